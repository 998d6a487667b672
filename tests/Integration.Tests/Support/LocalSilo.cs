using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Grains.Store;
using AeGrid.Silo;
using AeGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AeGrid.Integration.Tests.Support;

/// <summary>
/// One real local-mode silo (what `aegrid run` hosts) in this test process: the production <see cref="SiloHostFactory"/>
/// with localhost clustering, in-memory reminders and the store it is given (a SQLite file, or PostgreSQL).
/// </summary>
public sealed class LocalSilo : IAsyncDisposable
{
    readonly IHost _host;
    readonly TemporaryFolder? _folder;

    LocalSilo(IHost host, TemporaryFolder? folder = null)
    {
        _host = host;
        _folder = folder;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();
    /// <summary>The silo's own store (a decorator's, when the test decorated it).</summary>
    public ITrialStore Store => _host.Services.GetRequiredService<ITrialStore>();
    public ISweepDirectoryGrain Directory => Grains.GetGrain<ISweepDirectoryGrain>(0);
    public ISweepGrain Sweep(string id) => Grains.GetGrain<ISweepGrain>(id);

    /// <param name="configureServices">Runs after the silo's own registrations: decorate the store here.</param>
    /// <param name="training">Changes to the trainer options (defaults: the given slots, one torch thread each).</param>
    public static async Task<LocalSilo> StartAsync(string store, int slots = 1, Action<IServiceCollection>? configureServices = null,
        Func<TrainingSiloOptions, TrainingSiloOptions>? training = null)
    {
        var options = new TrainingSiloOptions { Slots = slots, ThreadsPerSlot = 1 };
        var settings = new SiloSettings
        {
            Store = store,
            Local = true,
            SiloPort = LoopbackPorts.Free(),
            GatewayPort = LoopbackPorts.Free(),
            Training = training?.Invoke(options) ?? options,
        };
        var host = await SiloHostFactory.BuildAsync(settings, b => b.SetMinimumLevel(LogLevel.Warning), configureServices: configureServices);
        await host.StartAsync();
        return new LocalSilo(host);
    }

    /// <summary>
    /// The set-up most behaviour tests share: a silo on a fresh SQLite store in a temporary folder of its own, deleted when
    /// the silo is disposed. Parameters as <see cref="StartAsync"/>.
    /// </summary>
    public static async Task<LocalSilo> StartOnTemporaryStoreAsync(int slots = 1, Action<IServiceCollection>? configureServices = null,
        Func<TrainingSiloOptions, TrainingSiloOptions>? training = null)
    {
        var folder = new TemporaryFolder();
        try
        {
            var silo = await StartAsync(NewSqliteStore(folder), slots, configureServices, training);
            return new LocalSilo(silo._host, folder);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>A fresh SQLite file in <paramref name="directory"/> for a silo's store.</summary>
    public static string NewSqliteStore(TemporaryFolder directory) => Path.Combine(directory.Path, $"store-{Guid.NewGuid():N}.db");

    public async Task<SweepStatusReport> WaitForSweepAsync(string sweepId, TimeSpan timeout)
    {
        var sweep = Sweep(sweepId);
        SweepStatusReport status = await sweep.GetStatus();
        await Eventually.HoldsAsync(async () => (status = await sweep.GetStatus()).Sweep.State != SweepState.Running, timeout,
            () => $"sweep {sweepId} still running: " + string.Join(", ", status.Trials.Select(t => $"{t.TrialId} {t.Status.ToWire()} {t.EpochsCompleted} epochs")));
        return status;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _host.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        _host.Dispose();
        _folder?.Dispose();
    }
}
