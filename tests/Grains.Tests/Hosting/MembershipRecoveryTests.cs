using System.Collections.Immutable;
using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace AeGrid.Grains.Tests.Hosting;

/// <summary>
/// Recovery after a silo death must outlast a database outage: the service retries for as long as the store is away
/// and never ends (a BackgroundService that throws stops its whole host, so an outage during a silo death would take
/// every silo down). Real SQLite store behind a decorator that fails; membership is a scripted feed.
/// </summary>
public sealed class MembershipRecoveryTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("aegrid-recovery-").FullName;

    [Fact]
    public async Task A_dead_silos_trials_are_recovered_after_more_store_failures_than_any_retry_budget()
    {
        await using var sqlite = new SqliteTrialStore(Path.Combine(_folder, "store.db"));
        await sqlite.MigrateAsync();
        var dead = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
        var trialId = await RunningTrialOnAsync(sqlite, dead.ToParsableString());
        var store = new FaultInjectingTrialStore(sqlite) { FailNextAbandons = 25 };
        var membership = new ScriptedMembership(dead);
        var poked = new List<string>();
        using var recovery = new MembershipRecovery(membership, store, SweepPokes.Recording(poked), NullLogger<MembershipRecovery>.Instance,
            firstRetryDelay: TimeSpan.FromMilliseconds(5), maxRetryDelay: TimeSpan.FromMilliseconds(20));

        await recovery.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await sqlite.GetTrialAsync(trialId))!.Status != TrialStatus.Pending && DateTime.UtcNow < deadline)
            await Task.Delay(50);

        Assert.Equal(TrialStatus.Pending, (await sqlite.GetTrialAsync(trialId))!.Status);
        Assert.True(store.FailNextAbandons < 0, "the injected failures never happened");
        await Task.Delay(200);
        Assert.Equal(["recovery-000001"], poked); // its sweep was told to re-admit it
        Assert.False(recovery.ExecuteTask!.IsFaulted, recovery.ExecuteTask.Exception?.ToString());
        await recovery.StopAsync(CancellationToken.None);
    }

    static async Task<string> RunningTrialOnAsync(ITrialStore store, string silo)
    {
        var sweepId = "recovery-000001";
        var trial = new TrialConfig(TrialConfig.MakeId(sweepId, 0), sweepId, 0, new Hyperparameters { Architecture = "linear" });
        await store.CreateSweepAsync(new SweepRecord(sweepId, "recovery", SweepState.Running, "spec", "test_mse", false, DateTimeOffset.UtcNow, null), [trial]);
        await store.RegisterSiloAsync(silo, "cpu", 1);
        Assert.NotNull(await store.BeginAttemptAsync(trial.TrialId, silo, TimeSpan.FromMinutes(5)));
        return trial.TrialId;
    }

    /// <summary>Membership that reports one silo as dead and then nothing more.</summary>
    sealed class ScriptedMembership(SiloAddress dead) : IClusterMembershipService
    {
        public ClusterMembershipSnapshot CurrentSnapshot { get; } = new(
            ImmutableDictionary<SiloAddress, ClusterMember>.Empty.Add(dead, new ClusterMember(dead, SiloStatus.Dead, "dead")),
            new MembershipVersion(2));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => Updates();

        async IAsyncEnumerable<ClusterMembershipSnapshot> Updates([EnumeratorCancellation] CancellationToken ct = default)
        {
            yield return CurrentSnapshot;
            await Task.Delay(Timeout.Infinite, ct);
        }

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);
    }

    /// <summary>A grain factory whose sweep grains only record that they were poked (the one call recovery makes).</summary>
    class SweepPokes : DispatchProxy
    {
        List<string> _poked = null!;
        string? _sweepId;

        public static IGrainFactory Recording(List<string> poked)
        {
            var factory = Create<IGrainFactory, SweepPokes>();
            ((SweepPokes)(object)factory)._poked = poked;
            return factory;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name == nameof(IGrainFactory.GetGrain) && method.ReturnType == typeof(ISweepGrain))
            {
                var sweep = Create<ISweepGrain, SweepPokes>();
                var proxy = (SweepPokes)(object)sweep;
                (proxy._poked, proxy._sweepId) = (_poked, (string)args![0]!);
                return sweep;
            }
            if (method.Name == nameof(ISweepGrain.Poke) && _sweepId is not null)
            {
                lock (_poked) _poked.Add(_sweepId);
                return Task.CompletedTask;
            }
            throw new NotSupportedException($"recovery is not expected to call {method.Name}");
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
