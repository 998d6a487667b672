using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace AeGrid.Grains.Tests.Store;

/// <summary>
/// What every <see cref="ITrialStore"/> must do, run against each real backend by a subclass: SQLite on a temp file,
/// PostgreSQL on a real server. Each test gets a new, empty, migrated database; "another process" is another store
/// instance on the same database.
/// </summary>
public abstract partial class TrialStoreContract(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<ITrialStore> _opened = [];
    private string _database = "";

    protected ITrialStore Store { get; private set; } = null!;

    /// <summary>Makes a new empty database and returns what <see cref="OpenStore"/> needs to reach it.</summary>
    protected abstract Task<string> NewDatabaseAsync();

    /// <summary>A new store instance (own connections, own locks: like another process) on the database.</summary>
    protected abstract ITrialStore OpenStore(string database);

    /// <summary>The versions recorded in the database's schema_version table, ascending.</summary>
    protected abstract Task<IReadOnlyList<int>> SchemaVersionsAsync(string database);

    /// <summary>The schema versions the store's migrations define.</summary>
    protected abstract IReadOnlyList<int> ExpectedSchemaVersions { get; }

    /// <summary>trials.device of a sweep's trials by number, read with SQL (the column the autoscaler counts).</summary>
    protected abstract Task<IReadOnlyList<string>> TrialDevicesAsync(string database, string sweepId);

    public async Task InitializeAsync()
    {
        _database = await NewDatabaseAsync();
        Store = Open(_database);
        await Store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
            if (store is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }

    protected ITrialStore Open(string database)
    {
        var store = OpenStore(database);
        _opened.Add(store);
        return store;
    }

    // ------------------------------------------------------------------ migrations

    [Fact]
    public async Task Migrate_run_twice_changes_nothing()
    {
        var (sweepId, _) = await NewSweepAsync(trials: 2);
        await Store.MigrateAsync();
        await Open(_database).MigrateAsync();

        Assert.Equal(ExpectedSchemaVersions, await SchemaVersionsAsync(_database));
        Assert.Equal(2, (await Store.GetTrialsAsync(sweepId)).Count);
    }

    [Fact]
    public async Task Migrate_from_three_processes_at_once_applies_each_version_once()
    {
        var database = await NewDatabaseAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => Open(database)).ToArray();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));

        Assert.Equal(ExpectedSchemaVersions, await SchemaVersionsAsync(database));
        await stores[2].RegisterSiloAsync("silo-after-migration", "cpu", 1);
        Assert.Single(await stores[0].GetSlotLedgerAsync());
    }

    // ------------------------------------------------------------------ sweeps

    [Fact]
    public async Task A_sweeps_device_is_stored_with_it_and_copied_to_every_trial_also_those_added_later()
    {
        var sweep = new SweepRecord(NewId("sweep"), "gpu-only", SweepState.Running, "name: gpu-only\n", "test_mse", false,
            DateTimeOffset.UtcNow, null, Grains.Placement.DeviceDemand.Cuda);
        await Store.CreateSweepAsync(sweep, [new TrialConfig(TrialConfig.MakeId(sweep.Id, 0), sweep.Id, 0, Parameters(0))]);
        await Store.AddTrialsAsync(sweep.Id, [new TrialConfig(TrialConfig.MakeId(sweep.Id, 1), sweep.Id, 1, Parameters(1))]);

        Assert.Equal(Grains.Placement.DeviceDemand.Cuda, (await Store.GetSweepAsync(sweep.Id))!.Device);
        Assert.Equal(["cuda", "cuda"], await TrialDevicesAsync(_database, sweep.Id));
        var (anyId, _) = await NewSweepAsync(trials: 1);
        Assert.Equal(["any"], await TrialDevicesAsync(_database, anyId));
    }

    [Fact]
    public async Task Create_sweep_stores_it_and_its_trials_as_pending()
    {
        var created = DateTimeOffset.UtcNow.AddMinutes(-1);
        var sweep = new SweepRecord(NewId("sweep"), "denoise-lr", SweepState.Running, "name: denoise-lr\ntrials: 3\n", "test_mse",
            Maximize: false, created, FinishedAt: null);
        var trials = Enumerable.Range(1, 3).Select(n => new TrialConfig(TrialConfig.MakeId(sweep.Id, n), sweep.Id, n, Parameters(n))).ToArray();

        await Store.CreateSweepAsync(sweep, trials);

        var stored = await Store.GetSweepAsync(sweep.Id);
        Assert.NotNull(stored);
        Assert.Equal(sweep with { CreatedAt = Microseconds(created) }, stored with { CreatedAt = Microseconds(stored.CreatedAt) });

        var storedTrials = await Store.GetTrialsAsync(sweep.Id);
        Assert.Equal(trials.Select(t => t.TrialId), storedTrials.Select(t => t.TrialId));
        Assert.All(storedTrials, t =>
        {
            Assert.Equal(TrialStatus.Pending, t.Status);
            Assert.Equal(0, t.Attempts);
            Assert.Null(t.Silo);
            Assert.False(t.Kept);
            Assert.Null(t.StartedAt);
        });
        var second = storedTrials[1].Parameters;
        Assert.Equal("conv", second.Architecture);
        Assert.Equal(new[] { 256, 64 }, second.HiddenSizes!.Value.ToArray());
        Assert.Equal(0.3, second.NoiseFactor);
        Assert.Equal(2L, second.Seed);
        Assert.Null(second.Optimizer);
        Assert.Equal(2, storedTrials[1].Number);
    }

    [Fact]
    public async Task A_running_sweep_name_cannot_be_taken_twice()
    {
        var (first, _) = await NewSweepAsync(name: "nightly");

        var duplicate = await Assert.ThrowsAsync<DuplicateSweepException>(() => NewSweepAsync(name: "nightly"));

        Assert.Equal("nightly", duplicate.Name);
        Assert.Equal(first, duplicate.ExistingId);
        Assert.Single(await Store.ListSweepsAsync());
    }

    [Theory]
    [InlineData(SweepState.Completed)]
    [InlineData(SweepState.Cancelled)]
    public async Task A_finished_sweeps_name_can_be_used_again(SweepState finished)
    {
        var (first, _) = await NewSweepAsync(name: "weekly");
        await Store.SetSweepStateAsync(first, finished);

        var (second, _) = await NewSweepAsync(name: "weekly");

        var sweeps = await Store.ListSweepsAsync();
        Assert.Equal([first, second], sweeps.Select(s => s.Id));
        Assert.Equal(finished, sweeps[0].State);
        Assert.NotNull(sweeps[0].FinishedAt);
        Assert.Equal(SweepState.Running, sweeps[1].State);
        Assert.Null(sweeps[1].FinishedAt);
    }

    [Fact]
    public async Task Restarting_a_sweep_whose_name_another_runs_is_refused()
    {
        var (old, _) = await NewSweepAsync(name: "grid");
        await Store.SetSweepStateAsync(old, SweepState.Cancelled);
        var (current, _) = await NewSweepAsync(name: "grid");

        var duplicate = await Assert.ThrowsAsync<DuplicateSweepException>(() => Store.SetSweepStateAsync(old, SweepState.Running));

        Assert.Equal(current, duplicate.ExistingId);
        Assert.Equal(SweepState.Cancelled, (await Store.GetSweepAsync(old))!.State);
    }

    [Fact]
    public async Task Setting_a_sweeps_state_again_keeps_its_finish_time()
    {
        var (sweepId, _) = await NewSweepAsync();
        await Store.SetSweepStateAsync(sweepId, SweepState.Completed);
        var finished = (await Store.GetSweepAsync(sweepId))!.FinishedAt;
        await Task.Delay(20);

        await Store.SetSweepStateAsync(sweepId, SweepState.Completed);

        Assert.NotNull(finished);
        Assert.Equal(finished, (await Store.GetSweepAsync(sweepId))!.FinishedAt);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SetSweepStateAsync("no-such-sweep", SweepState.Completed));
    }

    [Fact]
    public async Task Add_trials_extends_a_sweep_and_leaves_existing_trials_alone()
    {
        var (sweepId, trialIds) = await NewSweepAsync(trials: 2);
        await Store.SetTrialStatusAsync(trialIds[0], TrialStatus.Completed, null);

        await Store.AddTrialsAsync(sweepId,
        [
            new TrialConfig(trialIds[0], sweepId, 1, Parameters(99)), // exists: left alone
            new TrialConfig(TrialConfig.MakeId(sweepId, 3), sweepId, 3, Parameters(3)),
        ]);

        var trials = await Store.GetTrialsAsync(sweepId);
        Assert.Equal(3, trials.Count);
        Assert.Equal(TrialStatus.Completed, trials[0].Status);
        Assert.Equal(1L, trials[0].Parameters.Seed);
        Assert.Equal(TrialStatus.Pending, trials[2].Status);
        await Assert.ThrowsAsync<KeyNotFoundException>(() =>
            Store.AddTrialsAsync("no-such-sweep", [new TrialConfig("x-t0001", "no-such-sweep", 1, Parameters(1))]));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.AddTrialsAsync(sweepId, [new TrialConfig("other-t0001", "other", 1, Parameters(1))]));
    }

    // ------------------------------------------------------------------ trials

    [Fact]
    public async Task Trial_status_and_error_are_set_whatever_the_attempt()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 1);

        await Store.SetTrialStatusAsync(trialIds[0], TrialStatus.Failed, "out of memory on cuda:0");
        var failed = await Store.GetTrialAsync(trialIds[0]);
        await Store.SetTrialStatusAsync(trialIds[0], TrialStatus.Pending, null);
        var retried = await Store.GetTrialAsync(trialIds[0]);

        Assert.Equal(TrialStatus.Failed, failed!.Status);
        Assert.Equal("out of memory on cuda:0", failed.Error);
        Assert.NotNull(failed.FinishedAt);
        Assert.Equal(TrialStatus.Pending, retried!.Status);
        Assert.Null(retried.Error);
        Assert.Null(retried.FinishedAt);
        Assert.Null(await Store.GetTrialAsync("no-such-trial"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SetTrialStatusAsync("no-such-trial", TrialStatus.Failed, null));
    }

    [Fact]
    public async Task Kept_marks_follow_the_latest_choice()
    {
        var (sweepId, trialIds) = await NewSweepAsync(trials: 4);

        await Store.SetKeptAsync(sweepId, [trialIds[0], trialIds[2]]);
        await Store.SetKeptAsync(sweepId, [trialIds[2], trialIds[3]]);

        Assert.Equal([false, false, true, true], (await Store.GetTrialsAsync(sweepId)).Select(t => t.Kept));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetKeptAsync(sweepId, ["not-in-this-sweep"]));
        Assert.Equal([false, false, true, true], (await Store.GetTrialsAsync(sweepId)).Select(t => t.Kept));
    }

    // ------------------------------------------------------------------ attempts

    [Fact]
    public async Task Begin_attempt_claims_the_trial_and_a_slot()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 1);
        var silo = await NewSiloAsync(slots: 2);

        var attempt = await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1));
        var again = await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1));

        Assert.Equal(1, attempt);
        Assert.Null(again); // its attempt is open with a live lease
        var trial = await Store.GetTrialAsync(trialIds[0]);
        Assert.Equal(TrialStatus.Running, trial!.Status);
        Assert.Equal(silo, trial.Silo);
        Assert.Equal(1, trial.Attempts);
        Assert.NotNull(trial.StartedAt);
        var open = Assert.Single(await Store.GetAttemptsAsync(trialIds[0]));
        Assert.Equal((1, silo, (DateTimeOffset?)null, (string?)null), (open.Attempt, open.Silo, open.EndedAt, open.Outcome));
        Assert.True(open.LeaseUntil > DateTimeOffset.UtcNow.AddSeconds(50));
        Assert.Equal(1, (await Store.GetSlotLedgerAsync()).Single(s => s.Silo == silo).Used);
    }

    [Fact]
    public async Task Begin_attempt_is_refused_on_unknown_silos_and_finished_trials()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 1);
        var silo = await NewSiloAsync(slots: 1);
        await Store.SetTrialStatusAsync(trialIds[0], TrialStatus.Completed, null);

        Assert.Null(await Store.BeginAttemptAsync(trialIds[0], "never-registered", TimeSpan.FromMinutes(1)));
        Assert.Null(await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1)));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.BeginAttemptAsync("no-such-trial", silo, TimeSpan.FromMinutes(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.Zero));
    }

    [Fact]
    public async Task Twenty_concurrent_claims_of_one_trial_from_many_processes_have_one_winner()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 1);
        var silos = new List<string>();
        for (var i = 0; i < 20; i++) silos.Add(await NewSiloAsync(slots: 1));
        var processes = Enumerable.Range(0, 4).Select(_ => Open(_database)).ToArray();

        var claims = await Task.WhenAll(silos.Select((silo, i) =>
            Task.Run(() => processes[i % processes.Length].BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1)))));

        Assert.Equal([1], claims.Where(c => c is not null).Select(c => c!.Value));
        Assert.Single(await Store.GetAttemptsAsync(trialIds[0]));
        Assert.Equal(1, (await Store.GetSlotLedgerAsync()).Sum(s => s.Used));
    }

    [Fact]
    public async Task Ten_concurrent_claims_on_a_three_slot_silo_open_exactly_three()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 10);
        var silo = await NewSiloAsync(slots: 3);
        var processes = Enumerable.Range(0, 4).Select(_ => Open(_database)).ToArray();

        var claims = await Task.WhenAll(trialIds.Select((trialId, i) =>
            Task.Run(() => processes[i % processes.Length].BeginAttemptAsync(trialId, silo, TimeSpan.FromMinutes(1)))));

        Assert.Equal(3, claims.Count(c => c == 1));
        Assert.Equal(7, claims.Count(c => c is null));
        var ledger = (await Store.GetSlotLedgerAsync()).Single(s => s.Silo == silo);
        Assert.Equal((3, 3, 0), (ledger.Slots, ledger.Used, ledger.Free));
        var trials = await Store.GetTrialsAsync((await Store.GetTrialAsync(trialIds[0]))!.SweepId);
        Assert.Equal(3, trials.Count(t => t.Status == TrialStatus.Running));
    }

    [Fact]
    public async Task A_storm_of_claims_ends_and_abandons_from_many_processes_keeps_every_invariant()
    {
        var (sweepId, trialIds) = await NewSweepAsync(trials: 12);
        var silos = new[] { await NewSiloAsync(slots: 2), await NewSiloAsync(slots: 3), await NewSiloAsync(slots: 1) };
        var processes = Enumerable.Range(0, 4).Select(_ => Open(_database)).ToArray();
        var overbooked = 0;

        async Task Churn(ITrialStore store, int seed)
        {
            var random = new Random(seed);
            for (var step = 0; step < 40; step++)
            {
                var trialId = trialIds[random.Next(trialIds.Length)];
                var silo = silos[random.Next(silos.Length)];
                switch (random.Next(10))
                {
                    case < 6:
                        if (await store.BeginAttemptAsync(trialId, silo, TimeSpan.FromMinutes(1)) is { } attempt && random.Next(2) == 0)
                            await store.EndAttemptAsync(trialId, attempt, TrialStatus.Pending, null);
                        break;
                    case < 9:
                        var trial = (await store.GetTrialAsync(trialId))!;
                        await store.EndAttemptAsync(trialId, trial.Attempts, TrialStatus.Pending, null);
                        break;
                    default:
                        await store.AbandonAttemptsOfSiloAsync(silo);
                        break;
                }
                if ((await store.GetSlotLedgerAsync()).Any(s => silos.Contains(s.Silo) && s.Used > s.Slots))
                    Interlocked.Increment(ref overbooked);
            }
        }

        await Task.WhenAll(processes.Select((store, i) => Task.Run(() => Churn(store, seed: i))));

        Assert.Equal(0, overbooked);
        foreach (var trialId in trialIds)
        {
            var attempts = await Store.GetAttemptsAsync(trialId);
            Assert.True(attempts.Count(a => a.EndedAt is null) <= 1, $"{trialId} has more than one open attempt");
            Assert.Equal(Enumerable.Range(1, attempts.Count), attempts.Select(a => a.Attempt));
            var trial = (await Store.GetTrialAsync(trialId))!;
            Assert.Equal(attempts.Count, trial.Attempts);
            Assert.Equal(attempts.Any(a => a.EndedAt is null), trial.Status == TrialStatus.Running);
        }
        Assert.Equal(12, (await Store.GetTrialsAsync(sweepId)).Count);
    }

    [Fact]
    public async Task An_expired_lease_is_closed_and_a_new_attempt_may_begin()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 1);
        var first = await NewSiloAsync(slots: 1);
        var second = await NewSiloAsync(slots: 1);
        Assert.Equal(1, await Store.BeginAttemptAsync(trialIds[0], first, TimeSpan.FromMilliseconds(300)));
        await Task.Delay(700);

        Assert.Equal(0, (await Store.GetSlotLedgerAsync()).Single(s => s.Silo == first).Used); // an expired lease holds no slot
        var next = await Store.BeginAttemptAsync(trialIds[0], second, TimeSpan.FromMinutes(1));

        Assert.Equal(2, next);
        var attempts = await Store.GetAttemptsAsync(trialIds[0]);
        Assert.Equal([AttemptOutcomes.Expired, null], attempts.Select(a => a.Outcome));
        Assert.NotNull(attempts[0].EndedAt);
        var trial = await Store.GetTrialAsync(trialIds[0]);
        Assert.Equal((TrialStatus.Running, 2, second), (trial!.Status, trial.Attempts, trial.Silo));
    }

    [Fact]
    public async Task Only_the_current_attempt_can_renew_its_lease()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 1);
        var silo = await NewSiloAsync(slots: 1);
        await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMilliseconds(300));

        Assert.True(await Store.RenewLeaseAsync(trialIds[0], 1, TimeSpan.FromMinutes(5)));
        await Task.Delay(500);
        Assert.Null(await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1))); // the renewal kept it
        Assert.False(await Store.RenewLeaseAsync(trialIds[0], 2, TimeSpan.FromMinutes(5)));
        Assert.True(await Store.EndAttemptAsync(trialIds[0], 1, TrialStatus.Pending, null));
        Assert.False(await Store.RenewLeaseAsync(trialIds[0], 1, TimeSpan.FromMinutes(5))); // ended
    }

    [Fact]
    public async Task End_attempt_sets_the_outcome_only_for_the_current_attempt()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 1);
        var silo = await NewSiloAsync(slots: 1);
        await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMilliseconds(200));
        await Task.Delay(500);
        await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1)); // attempt 2; attempt 1 expired

        Assert.False(await Store.EndAttemptAsync(trialIds[0], 1, TrialStatus.Completed, null)); // the zombie
        Assert.Equal(TrialStatus.Running, (await Store.GetTrialAsync(trialIds[0]))!.Status);

        Assert.True(await Store.EndAttemptAsync(trialIds[0], 2, TrialStatus.Diverged, "loss became NaN at epoch 3"));
        Assert.True(await Store.EndAttemptAsync(trialIds[0], 2, TrialStatus.Diverged, "loss became NaN at epoch 3")); // a retried call
        Assert.False(await Store.EndAttemptAsync(trialIds[0], 2, TrialStatus.Completed, null)); // already ended otherwise

        var trial = await Store.GetTrialAsync(trialIds[0]);
        Assert.Equal((TrialStatus.Diverged, "loss became NaN at epoch 3"), (trial!.Status, trial.Error));
        Assert.NotNull(trial.FinishedAt);
        Assert.Equal([AttemptOutcomes.Expired, "diverged"], (await Store.GetAttemptsAsync(trialIds[0])).Select(a => a.Outcome));
        Assert.Equal(0, (await Store.GetSlotLedgerAsync()).Single(s => s.Silo == silo).Used);
    }

    [Fact]
    public async Task First_batch_is_stamped_once_and_only_for_the_current_attempt()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 1);
        var silo = await NewSiloAsync(slots: 1);
        await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMilliseconds(200));
        Assert.Null(Assert.Single(await Store.GetAttemptsAsync(trialIds[0])).FirstBatchAt);
        await Task.Delay(500);
        Assert.Equal(2, await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1))); // attempt 1 expired

        await Store.RecordFirstBatchAsync(trialIds[0], 1); // the fenced-out zombie: ignored
        await Store.RecordFirstBatchAsync(trialIds[0], 2);
        var attempts = await Store.GetAttemptsAsync(trialIds[0]);
        Assert.Null(attempts[0].FirstBatchAt);
        var stamp = attempts[1].FirstBatchAt;
        Assert.NotNull(stamp);
        Assert.True(stamp >= attempts[1].StartedAt, $"first batch {stamp:O} before admission {attempts[1].StartedAt:O}");

        await Task.Delay(50);
        await Store.RecordFirstBatchAsync(trialIds[0], 2); // a retried call keeps the first stamp
        Assert.True(await Store.EndAttemptAsync(trialIds[0], 2, TrialStatus.Completed, null));
        Assert.Equal(stamp, (await Store.GetAttemptsAsync(trialIds[0]))[1].FirstBatchAt);

        // A stamp that arrives after its owner ended the attempt still lands, like that attempt's last epoch rows.
        var (late, attempt) = await RunningTrialAsync();
        Assert.True(await Store.EndAttemptAsync(late, attempt, TrialStatus.Completed, null));
        await Store.RecordFirstBatchAsync(late, attempt);
        Assert.NotNull(Assert.Single(await Store.GetAttemptsAsync(late)).FirstBatchAt);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.RecordFirstBatchAsync("no-such-trial", 1));
    }

    [Fact]
    public async Task Abandoning_a_dead_silo_requeues_its_trials_and_fences_them()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 3);
        var dead = await NewSiloAsync(slots: 2);
        var alive = await NewSiloAsync(slots: 2);
        await Store.BeginAttemptAsync(trialIds[0], dead, TimeSpan.FromMinutes(1));
        await Store.BeginAttemptAsync(trialIds[1], dead, TimeSpan.FromMinutes(1));
        await Store.BeginAttemptAsync(trialIds[2], alive, TimeSpan.FromMinutes(1));

        var requeued = await Store.AbandonAttemptsOfSiloAsync(dead);

        Assert.Equal(trialIds[..2], requeued.Order());
        foreach (var id in requeued) Assert.Equal(TrialStatus.Pending, (await Store.GetTrialAsync(id))!.Status);
        Assert.Equal(AttemptOutcomes.SiloDead, (await Store.GetAttemptsAsync(trialIds[0])).Single().Outcome);
        Assert.Equal(TrialStatus.Running, (await Store.GetTrialAsync(trialIds[2]))!.Status);
        Assert.Empty(await Store.AbandonAttemptsOfSiloAsync(dead)); // nothing left open there

        // The dead silo's trainer may still be running somewhere (a partition): its writes are dropped.
        Assert.Equal(0, await Store.WriteEpochsAsync([Epoch(trialIds[0], 1, attempt: 1)]));
        Assert.False(await Store.SaveCheckpointAsync(new StoredCheckpoint(trialIds[0], 1, 1, 0, [1, 2, 3])));
        Assert.False(await Store.EndAttemptAsync(trialIds[0], 1, TrialStatus.Completed, null));
        Assert.Empty(await Store.GetEpochsAsync(trialIds[0]));
        Assert.Equal(2, await Store.BeginAttemptAsync(trialIds[0], alive, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task The_slot_ledger_counts_open_attempts_with_live_leases()
    {
        var cpu = await NewSiloAsync(slots: 4, kind: "cpu");
        var gpu = await NewSiloAsync(slots: 1, kind: "cuda");
        var (_, trialIds) = await NewSweepAsync(trials: 3);
        await Store.BeginAttemptAsync(trialIds[0], cpu, TimeSpan.FromMinutes(1));
        await Store.BeginAttemptAsync(trialIds[1], cpu, TimeSpan.FromMinutes(1));
        await Store.BeginAttemptAsync(trialIds[2], gpu, TimeSpan.FromMinutes(1));
        await Store.EndAttemptAsync(trialIds[1], 1, TrialStatus.Completed, null);

        await Store.RegisterSiloAsync(cpu, "cpu", 6); // re-registering replaces the capacity

        var ledger = await Store.GetSlotLedgerAsync();
        Assert.Equal(new SiloSlots(cpu, "cpu", 6, 1), ledger.Single(s => s.Silo == cpu));
        Assert.Equal(new SiloSlots(gpu, "cuda", 1, 1), ledger.Single(s => s.Silo == gpu));
        Assert.Equal(0, ledger.Single(s => s.Silo == gpu).Free);

        await Store.UnregisterSiloAsync(gpu);
        Assert.DoesNotContain(await Store.GetSlotLedgerAsync(), s => s.Silo == gpu);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.RegisterSiloAsync(cpu, "cpu", -1));
    }

    // ------------------------------------------------------------------ epochs

    [Fact]
    public async Task An_epoch_written_twice_is_overwritten_not_duplicated()
    {
        var (trialId, attempt) = await RunningTrialAsync();

        Assert.Equal(3, await Store.WriteEpochsAsync([Epoch(trialId, 1, attempt, 0.10), Epoch(trialId, 2, attempt, 0.08), Epoch(trialId, 3, attempt, 0.07)]));
        Assert.Equal(1, await Store.WriteEpochsAsync([Epoch(trialId, 2, attempt, 0.05)]));
        Assert.Equal(1, await Store.WriteEpochsAsync([Epoch(trialId, 4, attempt, 0.09), Epoch(trialId, 4, attempt, 0.04)])); // last wins

        var epochs = await Store.GetEpochsAsync(trialId);
        Assert.Equal([1, 2, 3, 4], epochs.Select(e => e.Epoch));
        Assert.Equal([0.10, 0.05, 0.07, 0.04], epochs.Select(e => e.TestMse));
        Assert.Equal(4, (await Store.GetTrialAsync(trialId))!.EpochsCompleted);
    }

    [Fact]
    public async Task Epochs_stored_again_count_as_redone_work_of_their_sweep()
    {
        var (trialId, attempt) = await RunningTrialAsync();
        var sweepId = AeGrid.Abstractions.TrialIds.SweepOf(trialId);
        Assert.Equal(0, await Store.CountRedoneEpochsAsync(sweepId));

        await Store.WriteEpochsAsync([Epoch(trialId, 1, attempt), Epoch(trialId, 2, attempt)]);
        await Store.WriteEpochsAsync([Epoch(trialId, 2, attempt)]); // a resumed attempt re-ran epoch 2
        await Store.WriteEpochsAsync([Epoch(trialId, 2, attempt), Epoch(trialId, 3, attempt)]);

        Assert.Equal(2, await Store.CountRedoneEpochsAsync(sweepId));
        Assert.Equal(2, await Store.CountRedoneEpochsOfTrialAsync(trialId));
        Assert.Equal(0, await Store.CountRedoneEpochsOfTrialAsync("no-such-trial"));
        Assert.Equal(3, (await Store.GetEpochsAsync(trialId)).Count);
        Assert.Equal(0, await Store.CountRedoneEpochsAsync("no-such-sweep"));
    }

    [Fact]
    public async Task Epochs_completed_follows_the_highest_stored_epoch()
    {
        var (trialId, attempt) = await RunningTrialAsync();

        await Store.WriteEpochsAsync([Epoch(trialId, 2, attempt)]);
        var afterTwo = (await Store.GetTrialAsync(trialId))!.EpochsCompleted;
        await Store.WriteEpochsAsync([Epoch(trialId, 1, attempt)]); // a late row does not move it back

        Assert.Equal(2, afterTwo);
        Assert.Equal(2, (await Store.GetTrialAsync(trialId))!.EpochsCompleted);
    }

    [Fact]
    public async Task Every_epoch_field_round_trips_and_NaN_infinity_and_null_stay_distinct()
    {
        var (trialId, attempt) = await RunningTrialAsync();
        var row = new EpochReport
        {
            TrialId = trialId, Epoch = 1, Attempt = attempt,
            TrainMse = double.NaN, TestMse = double.PositiveInfinity, TestPsnr = double.NegativeInfinity,
            NoisyInputMse = null, NoisyInputPsnr = 20.5, Nmi = double.NaN, ClusterAccuracy = 0.0,
            BaselineNmi = -0.0, BaselineClusterAccuracy = 1e-300, SamplesPerSecond = 12345.678, WallSeconds = 0.1 + 0.2,
        };

        await Store.WriteEpochsAsync([row]);

        var stored = Assert.Single(await Store.GetEpochsAsync(trialId));
        Assert.True(double.IsNaN(stored.TrainMse));
        Assert.Equal(double.PositiveInfinity, stored.TestMse);
        Assert.Equal(double.NegativeInfinity, stored.TestPsnr);
        Assert.Null(stored.NoisyInputMse);
        Assert.True(stored.Nmi is { } nmi && double.IsNaN(nmi));
        Assert.Equal(row with { TrainMse = 0, Nmi = 0 }, stored with { TrainMse = 0, Nmi = 0 }); // everything else exactly
    }

    [Fact]
    public async Task Epochs_of_a_fenced_out_attempt_are_dropped()
    {
        var (trialId, _) = await RunningTrialAsync(lease: TimeSpan.FromMilliseconds(200));
        await Task.Delay(500);
        var silo = (await Store.GetTrialAsync(trialId))!.Silo!;
        Assert.Equal(2, await Store.BeginAttemptAsync(trialId, silo, TimeSpan.FromMinutes(1)));

        var written = await Store.WriteEpochsAsync([Epoch(trialId, 1, attempt: 1, 0.9), Epoch(trialId, 1, attempt: 2, 0.2), Epoch("no-such-trial", 1, 1)]);

        Assert.Equal(1, written);
        var stored = Assert.Single(await Store.GetEpochsAsync(trialId));
        Assert.Equal((2, 0.2), (stored.Attempt, stored.TestMse));
    }

    [Fact]
    public async Task Late_rows_of_an_attempt_its_owner_ended_are_still_kept()
    {
        var (trialId, attempt) = await RunningTrialAsync();
        await Store.EndAttemptAsync(trialId, attempt, TrialStatus.Completed, null);

        Assert.Equal(1, await Store.WriteEpochsAsync([Epoch(trialId, 5, attempt)]));
        Assert.Equal(5, (await Store.GetTrialAsync(trialId))!.EpochsCompleted);
    }

    // ------------------------------------------------------------------ checkpoints and models

    [Fact]
    public async Task A_checkpoint_replaces_the_previous_one_of_its_trial()
    {
        var (trialId, attempt) = await RunningTrialAsync();
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();

        Assert.True(await Store.SaveCheckpointAsync(new StoredCheckpoint(trialId, attempt, 1, 0, [9, 9])));
        Assert.True(await Store.SaveCheckpointAsync(new StoredCheckpoint(trialId, attempt, 2, 17, bytes)));

        var loaded = await Store.LoadCheckpointAsync(trialId);
        Assert.Equal((trialId, attempt, 2, 17), (loaded!.TrialId, loaded.Attempt, loaded.Epoch, loaded.Batch));
        Assert.Equal(bytes, loaded.Bytes);
        Assert.Null(await Store.LoadCheckpointAsync("no-such-trial"));
        Assert.False(await Store.SaveCheckpointAsync(new StoredCheckpoint(trialId, attempt + 1, 3, 0, [1])));
    }

    [Fact]
    public async Task Models_are_stored_per_trial()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 1);
        var created = DateTimeOffset.UtcNow;

        await Store.SaveModelAsync(new StoredModel(trialIds[0], [1, 2, 3], created));
        await Store.SaveModelAsync(new StoredModel(trialIds[0], [4, 5, 6, 7], created));

        var model = await Store.GetModelAsync(trialIds[0]);
        Assert.Equal([4, 5, 6, 7], model!.Weights);
        Assert.Equal(Microseconds(created), Microseconds(model.CreatedAt));
        Assert.Null(await Store.GetModelAsync("no-such-trial"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SaveModelAsync(new StoredModel("no-such-trial", [1], created)));
    }

    // ------------------------------------------------------------------ writers over this store

    /// <summary>The store as a silo's epoch writer sees it: behind the retries, here with test-sized delays.</summary>
    protected static ResilientTrialStore Resilient(ITrialStore inner, CapturingLogger<ResilientTrialStore> log,
        TimeSpan? firstDelay = null, TimeSpan? maxDelay = null)
    {
        var epochWrites = new StoreResilienceOptions().EpochWrites;
        return new ResilientTrialStore(inner, new StoreResilienceOptions
        {
            EpochWrites = epochWrites with { FirstDelay = firstDelay ?? epochWrites.FirstDelay, MaxDelay = maxDelay ?? epochWrites.MaxDelay },
        }, log);
    }

    [Fact]
    public async Task Epoch_writer_stores_rows_in_batches()
    {
        var faulty = new FaultInjectingTrialStore(Store) { Gate = new TaskCompletionSource() };
        var trials = new List<(string TrialId, int Attempt)>();
        for (var i = 0; i < 3; i++) trials.Add(await RunningTrialAsync());
        await using var writer = new EpochWriter(faulty, new CapturingLogger<EpochWriter>(), new StoreWriterOptions { MaxBatchSize = 50 });

        foreach (var epoch in Enumerable.Range(1, 40))
            foreach (var (trialId, attempt) in trials)
                writer.Enqueue(Epoch(trialId, epoch, attempt));
        faulty.Gate.SetResult(); // the store answers only now: rows have piled up
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, writer.Pending);
        Assert.Equal(120, faulty.EpochBatchSizes.Sum());
        Assert.All(faulty.EpochBatchSizes, size => Assert.InRange(size, 1, 50));
        Assert.Contains(faulty.EpochBatchSizes, size => size == 50);
        foreach (var (trialId, _) in trials)
            Assert.Equal(Enumerable.Range(1, 40), (await Store.GetEpochsAsync(trialId)).Select(e => e.Epoch));
    }

    [Fact]
    public async Task Epoch_writer_retries_failed_writes_until_every_row_is_stored_once()
    {
        var faulty = new FaultInjectingTrialStore(Store);
        var (trialId, attempt) = await RunningTrialAsync();
        var log = new CapturingLogger<ResilientTrialStore>();
        await using var writer = new EpochWriter(Resilient(faulty, log, firstDelay: TimeSpan.FromMilliseconds(10)), new CapturingLogger<EpochWriter>());
        faulty.FailNextWrites(4);

        for (var epoch = 1; epoch <= 30; epoch++) writer.Enqueue(Epoch(trialId, epoch, attempt, testMse: 1.0 / epoch));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, faulty.FailedWrites);
        var stored = await Store.GetEpochsAsync(trialId);
        Assert.Equal(Enumerable.Range(1, 30), stored.Select(e => e.Epoch));
        Assert.Equal(Enumerable.Range(1, 30).Select(e => 1.0 / e), stored.Select(e => e.TestMse));
        Assert.Equal(1, log.Count(LogLevel.Warning, "retrying"));
        Assert.Equal(1, log.Count(LogLevel.Information, "reachable again"));
    }

    [Fact]
    public async Task Epoch_writer_blocks_the_producer_when_full_and_warns_once()
    {
        var faulty = new FaultInjectingTrialStore(Store) { Gate = new TaskCompletionSource() };
        var (trialId, attempt) = await RunningTrialAsync();
        var log = new CapturingLogger<EpochWriter>();
        await using var writer = new EpochWriter(faulty, log, new StoreWriterOptions { Capacity = 5, MaxBatchSize = 5 });

        var producer = Task.Factory.StartNew(() =>
        {
            for (var epoch = 1; epoch <= 20; epoch++) writer.Enqueue(Epoch(trialId, epoch, attempt));
        }, TaskCreationOptions.LongRunning);
        for (var waited = 0; writer.Pending < 6 && waited < 10_000; waited += 20) await Task.Delay(20);
        await Task.Delay(300); // the producer has had time to get further, if it could

        Assert.False(producer.IsCompleted); // held back: the store is not answering and the buffer is full
        Assert.InRange(writer.Pending, 6, 10); // 5 in the buffer plus the batch waiting on the store
        Assert.Equal(1, log.Count(LogLevel.Warning, "buffer full"));

        faulty.Gate.SetResult();
        await producer.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(1, 20), (await Store.GetEpochsAsync(trialId)).Select(e => e.Epoch));
    }

    [Fact]
    public async Task Epoch_writer_counts_fenced_rows_as_done()
    {
        var (trialId, attempt) = await RunningTrialAsync();
        await using var writer = new EpochWriter(Store, new CapturingLogger<EpochWriter>());

        writer.Enqueue(Epoch(trialId, 1, attempt + 1)); // an attempt that is not (yet) the trial's
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(await Store.GetEpochsAsync(trialId));
    }

    /// <summary>Not a speed limit, a measurement: prints rows per second through <see cref="EpochWriter"/> to this store.</summary>
    [Fact]
    public async Task Epoch_writer_throughput_is_measured()
    {
        const int trialCount = 10, epochsPerTrial = 2_000;
        var trials = new List<(string TrialId, int Attempt)>();
        for (var i = 0; i < trialCount; i++) trials.Add(await RunningTrialAsync());
        await using var writer = new EpochWriter(Store, new CapturingLogger<EpochWriter>());

        var clock = Stopwatch.StartNew();
        for (var epoch = 1; epoch <= epochsPerTrial; epoch++)
            foreach (var (trialId, attempt) in trials)
                writer.Enqueue(Epoch(trialId, epoch, attempt));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromMinutes(2));
        clock.Stop();

        var rows = trialCount * epochsPerTrial;
        output.WriteLine($"{GetType().Name}: {rows} epoch rows through EpochWriter in {clock.Elapsed.TotalSeconds:F2} s = " +
                         $"{rows / clock.Elapsed.TotalSeconds:F0} rows/s (batches of up to {new StoreWriterOptions().MaxBatchSize})");
        foreach (var (trialId, _) in trials)
        {
            Assert.Equal(epochsPerTrial, (await Store.GetEpochsAsync(trialId)).Count);
            Assert.Equal(epochsPerTrial, (await Store.GetTrialAsync(trialId))!.EpochsCompleted);
        }
    }

    // ------------------------------------------------------------------ helpers

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    protected async Task<(string SweepId, string[] TrialIds)> NewSweepAsync(int trials = 3, string? name = null)
    {
        var sweepId = NewId("sweep");
        var configs = Enumerable.Range(1, trials)
            .Select(n => new TrialConfig(TrialConfig.MakeId(sweepId, n), sweepId, n, Parameters(n))).ToArray();
        await Store.CreateSweepAsync(
            new SweepRecord(sweepId, name ?? sweepId, SweepState.Running, "spec", "test_mse", false, DateTimeOffset.UtcNow, null), configs);
        return (sweepId, configs.Select(c => c.TrialId).ToArray());
    }

    protected async Task<string> NewSiloAsync(int slots, string kind = "cpu")
    {
        var silo = NewId("silo");
        await Store.RegisterSiloAsync(silo, kind, slots);
        return silo;
    }

    /// <summary>A trial with an open attempt on a fresh silo: the state in which a trainer writes.</summary>
    protected async Task<(string TrialId, int Attempt)> RunningTrialAsync(TimeSpan? lease = null)
    {
        var (_, trialIds) = await NewSweepAsync(trials: 1);
        var silo = await NewSiloAsync(slots: 1);
        var attempt = await Store.BeginAttemptAsync(trialIds[0], silo, lease ?? TimeSpan.FromMinutes(5));
        return (trialIds[0], attempt ?? throw new InvalidOperationException("claim refused"));
    }

    protected static Hyperparameters Parameters(int n) => new()
    {
        Architecture = n % 2 == 0 ? "conv" : "dense",
        EncodingDim = 32,
        HiddenSizes = [256, 64],
        NoiseFactor = n % 2 == 0 ? 0.3 : null,
        LearningRate = 1e-3 * n,
        BatchSize = 128,
        Epochs = 5,
        Seed = n,
        Dataset = "mnist",
    };

    protected static EpochReport Epoch(string trialId, int epoch, int attempt, double testMse = 0.05) => new()
    {
        TrialId = trialId, Epoch = epoch, Attempt = attempt, TrainMse = testMse * 0.9, TestMse = testMse,
        TestPsnr = 13.2, SamplesPerSecond = 5000, WallSeconds = 1.5,
    };

    private static DateTimeOffset Microseconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);
}
