using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Silo;
using AeGrid.Silo.Security;
using AeGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace AeGrid.Integration.Tests.Support;

/// <summary>
/// A real cluster of trainer silos hosted in this test process (the production <see cref="SiloHostFactory"/>, PostgreSQL
/// membership and store) plus a client that reaches them through the gateways listed in the membership table.
/// </summary>
public sealed class InProcessGrid : IAsyncDisposable
{
    readonly List<IHost> _silos = new();
    IHost? _client;

    public required string ConnectionString { get; init; }
    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();
    public IReadOnlyList<IHost> Silos => _silos;

    public static async Task<InProcessGrid> StartAsync(string connectionString, int silos, int slotsPerSilo)
    {
        var grid = new InProcessGrid { ConnectionString = connectionString };
        for (int i = 0; i < silos; i++)
        {
            var settings = new SiloSettings
            {
                Store = connectionString,
                SiloPort = LoopbackPorts.Free(),
                GatewayPort = LoopbackPorts.Free(),
                FastFailureDetection = true,
                Transport = ClusterTlsSettings.PlainText, // loopback only; TLS is tested with real processes (TlsClusterTests)
                Training = new TrainingSiloOptions { Slots = slotsPerSilo, ThreadsPerSlot = 1 },
                DataRoots = [RepoPaths.Fixtures], // cluster silos read only under their data roots; the tests' data lives here
            };
            var host = await SiloHostFactory.BuildAsync(settings, b => b.SetMinimumLevel(LogLevel.Warning));
            await host.StartAsync();
            grid._silos.Add(host);
        }
        grid._client = await PlainClients.StartAsync(connectionString);
        return grid;
    }

    /// <summary>Polls the sweep until it leaves Running, failing after <paramref name="timeout"/>.</summary>
    public async Task<SweepStatusReport> WaitForSweepAsync(string sweepId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var sweep = Client.GetGrain<ISweepGrain>(sweepId);
        while (true)
        {
            var status = await sweep.GetStatus();
            if (status.Sweep.State != SweepState.Running) return status;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"sweep {sweepId} still running after {timeout.TotalSeconds:0} s: " +
                                           string.Join(", ", status.Sweep.TrialsByStatus.Select(kv => $"{kv.Value} {kv.Key}")));
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) { await _client.StopAsync(); _client.Dispose(); }
        foreach (var silo in _silos)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await silo.StopAsync(cts.Token); } catch (OperationCanceledException) { }
            silo.Dispose();
        }
    }
}
