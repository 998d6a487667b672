using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Integration.Tests.Support;
using AeGrid.Silo;
using AeGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace AeGrid.Integration.Tests.Fleet;

/// <summary>
/// `device:` on a real cluster (PostgreSQL membership and store, production silo hosts): a cuda sweep waits while only CPU
/// silos are up and runs once a GPU silo joins, on it alone; an `any` trial takes a free GPU slot before a CPU silo with
/// more free slots. Nothing here has a GPU, so the "GPU" silo registers its slots as cuda and trains on the CPU.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class DevicePlacementTests(PostgresServer server) : IAsyncLifetime
{
    readonly List<IHost> _hosts = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await host.StopAsync(cts.Token); } catch (OperationCanceledException) { }
            host.Dispose();
        }
    }

    [Fact]
    public async Task A_cuda_sweep_stays_pending_on_cpu_silos_and_runs_on_the_gpu_silo_that_joins()
    {
        var database = await server.CreateDatabaseAsync($"fleet_cuda_{Guid.NewGuid():N}"[..22]);
        var cpu = await StartSiloAsync(database, "cpu", slots: 2);
        var client = await StartClientAsync(database);
        var sweepId = await client.GetGrain<ISweepDirectoryGrain>(0).Submit(SweepFiles.Tiny("needs-gpu", """
            device: cuda
            epochs: 1
            space:
              lr: [0.001, 0.01]
            architecture: linear
            """), "needs-gpu.yaml");

        // Several scheduler ticks with two idle CPU slots: nothing may start.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Empty(await StoreQueries.AttemptsAsync(database));
        var devices = await StoreQueries.QueryAsync(database, "SELECT DISTINCT device FROM trials", r => r.GetString(0));
        Assert.Equal(["cuda"], devices);

        var gpu = await StartSiloAsync(database, "cuda", slots: 1);
        var final = await WaitForSweepAsync(client, sweepId, TimeSpan.FromMinutes(3));
        Assert.All(final.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        var attempts = await StoreQueries.AttemptsAsync(database);
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(Address(gpu), a.Silo));
        Assert.DoesNotContain(attempts, a => a.Silo == Address(cpu));
    }

    [Fact]
    public async Task An_any_trial_takes_the_free_gpu_slot_before_a_cpu_silo_with_more_free_slots()
    {
        var database = await server.CreateDatabaseAsync($"fleet_any_{Guid.NewGuid():N}"[..22]);
        var cpu = await StartSiloAsync(database, "cpu", slots: 2);
        var gpu = await StartSiloAsync(database, "cuda", slots: 1);
        var client = await StartClientAsync(database);

        var sweepId = await client.GetGrain<ISweepDirectoryGrain>(0).Submit(SweepFiles.Tiny("anywhere", """
            epochs: 1
            architecture: linear
            """), "anywhere.yaml");
        await WaitForSweepAsync(client, sweepId, TimeSpan.FromMinutes(3));

        var attempts = await StoreQueries.AttemptsAsync(database);
        Assert.Equal(Address(gpu), Assert.Single(attempts).Silo);
        Assert.Equal(["any"], await StoreQueries.QueryAsync(database, "SELECT device FROM trials", r => r.GetString(0)));
        Assert.NotEqual(Address(cpu), Address(gpu));
    }

    static string Address(IHost silo) =>
        silo.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToParsableString();

    async Task<IHost> StartSiloAsync(string database, string kind, int slots)
    {
        var settings = new SiloSettings
        {
            Store = database,
            SiloPort = LoopbackPorts.Free(),
            GatewayPort = LoopbackPorts.Free(),
            FastFailureDetection = true,
            Training = new TrainingSiloOptions { Slots = slots, ThreadsPerSlot = 1 },
            Transport = AeGrid.Silo.Security.ClusterTlsSettings.PlainText, // loopback only; TLS is tested with real processes
            DataRoots = [RepoPaths.Fixtures], // cluster silos read only under their data roots; the tests' data lives here
        };
        var host = await SiloHostFactory.BuildAsync(settings, b => b.SetMinimumLevel(LogLevel.Warning),
            configureServices: services => services.DecorateTrialStore(inner => new FaultInjectingTrialStore(inner)
            {
                RegisterAsKind = kind == "cpu" ? null : kind,
            }));
        await host.StartAsync();
        _hosts.Add(host);
        return host;
    }

    async Task<IClusterClient> StartClientAsync(string database)
    {
        var client = await PlainClients.StartAsync(database);
        _hosts.Add(client);
        return client.Services.GetRequiredService<IClusterClient>();
    }

    static async Task<SweepStatusReport> WaitForSweepAsync(IClusterClient client, string sweepId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await client.GetGrain<ISweepGrain>(sweepId).GetStatus();
            if (status.Sweep.State != SweepState.Running) return status;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"sweep {sweepId} still running after {timeout.TotalSeconds:0} s: " +
                                           string.Join(", ", status.Sweep.TrialsByStatus.Select(kv => $"{kv.Value} {kv.Key}")));
            await Task.Delay(250);
        }
    }
}
