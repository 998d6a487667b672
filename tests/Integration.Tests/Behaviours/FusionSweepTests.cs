using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// `fuse: K` on a real silo: trials that can share a model train as one fused pack in one slot, and each reports, stores
/// and ends exactly as it would alone — its epochs within float rounding of a solo run's, its own pruning verdict, its own
/// attempt, its own checkpoints to resume from after a hand-off.
/// </summary>
[Collection(LocalSiloCollection.Name)]
public sealed class FusionSweepTests(ITestOutputHelper output)
{
    /// <summary>Fused steps are batched products, so sums run in another order: float rounding (as in FusedPackTests).</summary>
    const double Tolerance = 1e-4;

    static string Spec(string name, int fuse, string lrs, int epochs = 3, string extra = "") => SweepFiles.Tiny(name, $"""
        architecture: linear
        epochs: {epochs}
        search: grid
        fuse: {fuse}
        keep_best: 1
        {extra}
        space:
          lr: [{lrs}]
        """, limit: 300);

    [Fact]
    public async Task Four_trials_fused_in_one_slot_store_the_epochs_they_store_alone()
    {
        const string lrs = "0.01, 0.005, 0.002, 0.001";
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        Dictionary<double, IReadOnlyList<EpochReport>> fused;
        await using (var silo = await LocalSilo.StartAsync(store, slots: 1))
        {
            var id = await silo.Directory.Submit(Spec("fused", 4, lrs), "fused.yaml");
            Assert.Equal(4, (await silo.Store.GetSweepAsync(id))!.Fuse); // what the autoscaler divides the sweep's trials by
            var final = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(2));
            Assert.Equal(SweepState.Completed, final.Sweep.State);
            Assert.All(final.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));

            // One slot, four attempts at once: they trained together.
            var attempts = new List<AeGrid.Grains.Store.AttemptRecord>();
            foreach (var trial in final.Trials) attempts.AddRange(await silo.Store.GetAttemptsAsync(trial.TrialId));
            Assert.Equal(4, attempts.Count);
            Assert.True(attempts.Max(a => a.StartedAt) < attempts.Min(a => a.EndedAt!.Value),
                "the four attempts did not overlap: " + string.Join(", ", attempts.Select(a => $"{a.StartedAt:HH:mm:ss.fff}–{a.EndedAt:HH:mm:ss.fff}")));
            fused = await EpochsByLearningRateAsync(silo, final);
        }
        Assert.Single(await PacksAsync(store));

        Dictionary<double, IReadOnlyList<EpochReport>> alone;
        await using (var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1))
        {
            var id = await silo.Directory.Submit(Spec("alone", 1, lrs), "alone.yaml");
            var final = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(2));
            Assert.Equal(SweepState.Completed, final.Sweep.State);
            alone = await EpochsByLearningRateAsync(silo, final);
        }
        AssertSameEpochs(alone, fused);
    }

    [Fact]
    public async Task A_pruned_member_leaves_its_pack_and_the_others_train_on_as_alone()
    {
        // Three good trials complete first (the pruner's start-up trials); then a pack of one good and two that barely learn:
        // the two are pruned from epoch 2 on, the good one trains to the end with the epochs it would have trained alone.
        const int epochs = 30;
        const string lrs = "0.005, 0.002, 0.003, 0.01, 0.000001, 0.000002";
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        Dictionary<double, IReadOnlyList<EpochReport>> fused;
        await using (var silo = await LocalSilo.StartAsync(store, slots: 1))
        {
            var id = await silo.Directory.Submit(Spec("fused-pruned", 3, lrs, epochs, """
                pruner:
                  median:
                    startup_trials: 3
                    warmup_epochs: 1
                """), "fused-pruned.yaml");
            var final = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(2));
            foreach (var t in final.Trials)
                output.WriteLine($"{t.TrialId} lr {t.Parameters.LearningRate}: {t.Status.ToWire()} after {t.EpochsCompleted} epochs");
            Assert.Equal(SweepState.Completed, final.Sweep.State);
            Assert.Equal([TrialStatus.Completed, TrialStatus.Completed, TrialStatus.Completed, TrialStatus.Completed, TrialStatus.Pruned, TrialStatus.Pruned],
                final.Trials.Select(t => t.Status));
            foreach (var pruned in final.Trials.Where(t => t.Status == TrialStatus.Pruned))
            {
                Assert.InRange(pruned.EpochsCompleted, 2, epochs - 1);
                Assert.Equal(1, pruned.Attempts);
                Assert.Equal(Enumerable.Range(1, pruned.EpochsCompleted), (await silo.Store.GetEpochsAsync(pruned.TrialId)).Select(e => e.Epoch));
            }
            fused = await EpochsByLearningRateAsync(silo, final);
        }
        Assert.Equal(2, (await PacksAsync(store)).Count);

        await using (var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1))
        {
            var id = await silo.Directory.Submit(Spec("survivor-alone", 1, "0.01", epochs), "survivor.yaml");
            var final = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(2));
            var alone = await EpochsByLearningRateAsync(silo, final);
            AssertSameEpochs(alone, fused.Where(e => e.Key == 0.01).ToDictionary());
        }
    }

    [Fact]
    public async Task A_pack_handed_off_at_shutdown_resumes_each_member_from_its_own_checkpoint()
    {
        const string lrs = "0.01, 0.005, 0.002";
        const int epochs = 100; // far more than the two it waits for: the shutdown must find the pack still training
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        string id;
        await using (var silo = await LocalSilo.StartAsync(store, slots: 1))
        {
            id = await silo.Directory.Submit(Spec("handoff", 3, lrs, epochs), "handoff.yaml");
            // Stop the silo mid-training: each member pauses at the next batch, stores its checkpoint and hands back its trial.
            await Eventually.HoldsAsync(async () => (await silo.Sweep(id).GetStatus()).Trials.All(t => t.EpochsCompleted >= 2),
                TimeSpan.FromMinutes(1), () => "the pack did not train two epochs");
        }
        Dictionary<double, IReadOnlyList<EpochReport>> resumed;
        await using (var silo = await LocalSilo.StartAsync(store, slots: 1))
        {
            var final = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(2));
            Assert.Equal(SweepState.Completed, final.Sweep.State);
            Assert.All(final.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
            Assert.All(final.Trials, t => Assert.True(t.Attempts >= 2, $"{t.TrialId} finished in its first attempt: no hand-off happened"));
            resumed = await EpochsByLearningRateAsync(silo, final);
        }
        Assert.True((await PacksAsync(store)).Count >= 2, "the resumed members did not train as a pack again");

        await using (var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1))
        {
            var alone = await silo.Directory.Submit(Spec("handoff-alone", 1, lrs, epochs), "alone.yaml");
            var final = await silo.WaitForSweepAsync(alone, TimeSpan.FromMinutes(3));
            AssertSameEpochs(await EpochsByLearningRateAsync(silo, final), resumed);
        }
    }

    [Fact]
    public async Task A_pbt_population_trained_in_one_pack_exploits_with_a_consistent_lineage()
    {
        // The whole population in one pack: an exploited member leaves it (its attempt ended by the exploit), resumes from the
        // donor's checkpoint with new hyperparameters, alone or packed with whoever stands at its epoch.
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        await using var silo = await LocalSilo.StartAsync(store, slots: 1);
        // Members report a decision epoch moments apart and each is ranked among those that reported it before (asynchronous
        // pbt), so which member gets exploited depends on their order; 8 members and 3 decision epochs make an exploit certain.
        const int epochs = 8;
        var id = await silo.Directory.Submit(SweepFiles.Tiny("pbt-fused", $$"""
            architecture: linear
            epochs: {{epochs}}
            search: pbt
            trials: 8
            fuse: 8
            pbt: {perturbation_interval: 2, quantile: 0.5, resample_probability: 0.25}
            space:
              lr: {loguniform: [0.00003, 0.05]}
              noise_factor: {uniform: [0.0, 0.5]}
            """, limit: 200), "pbt-fused.yaml");
        var status = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(3));
        Assert.Equal(SweepState.Completed, status.Sweep.State);
        Assert.All(status.Trials, t => Assert.Equal((TrialStatus.Completed, epochs), (t.Status, t.EpochsCompleted)));
        var lineage = await PbtLineage.CheckAsync(silo.Store, id, epochs);
        output.WriteLine(lineage.Describe());
        Assert.True(lineage.Exploits.Count > 0, "no exploit happened: the test tested nothing");
        // The first pack, and the exploited members packed again when they stood at one epoch.
        var packs = await PacksAsync(store);
        output.WriteLine($"{packs.Count} packs");
        Assert.NotEmpty(packs);
    }

    [Fact]
    public async Task Cancelling_a_fused_sweep_stops_every_member_within_a_batch_and_the_waiting_pack_never_starts()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1);
        var id = await silo.Directory.Submit(Spec("fused-cancel", 3, "0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002", epochs: 2000), "cancel.yaml");
        var sweep = silo.Sweep(id);
        SweepStatusReport status = await sweep.GetStatus();
        await Eventually.HoldsAsync(async () => (status = await sweep.GetStatus()).Trials.Count(t => t.Status == TrialStatus.Running && t.EpochsCompleted >= 1) == 3,
            TimeSpan.FromSeconds(30), () => string.Join(", ", status.Trials.Select(t => $"{t.TrialId} {t.Status.ToWire()} {t.EpochsCompleted}")));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await sweep.Cancel();
        var attempts = new List<AeGrid.Grains.Store.AttemptRecord>();
        await Eventually.HoldsAsync(async () =>
        {
            attempts = [];
            foreach (var t in status.Trials) attempts.AddRange(await silo.Store.GetAttemptsAsync(t.TrialId));
            return attempts.All(a => a.EndedAt is not null);
        }, TimeSpan.FromSeconds(30), () => string.Join(", ", attempts.Select(a => $"{a.TrialId} {a.Attempt} {a.EndedAt}")));
        var stoppedAfter = clock.Elapsed;
        output.WriteLine($"every member's attempt closed {stoppedAfter.TotalSeconds:0.00} s after Cancel");
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(5), $"members took {stoppedAfter.TotalSeconds:0.0} s to stop");

        status = await sweep.GetStatus();
        Assert.Equal(SweepState.Cancelled, status.Sweep.State);
        Assert.All(status.Trials, t => Assert.Equal(TrialStatus.Cancelled, t.Status));
        Assert.Equal(3, attempts.Count); // the second pack never started
        var epochs = await Task.WhenAll(status.Trials.Select(t => silo.Store.GetEpochsAsync(t.TrialId)));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var later = await Task.WhenAll(status.Trials.Select(t => silo.Store.GetEpochsAsync(t.TrialId)));
        Assert.Equal(epochs.Select(e => e.Count), later.Select(e => e.Count)); // nothing trains or writes afterwards
    }

    [Fact]
    public async Task A_client_that_sends_a_trial_a_pack_no_sweep_would_is_refused_and_nothing_is_claimed()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1, training: o => { o.Trains = false; return o; });
        var id = await silo.Directory.Submit(Spec("hostile-pack", 1, "0.01"), "hostile.yaml");
        var trial = (await silo.Sweep(id).GetStatus()).Trials.Single();
        var config = new TrialConfig(trial.TrialId, id, 0, trial.Parameters);
        foreach (var pack in new[] { new PackAssignment("p", 1_000_000), new PackAssignment(new string('p', 100_000), 2), new PackAssignment("", 2) })
        {
            var refused = await Assert.ThrowsAsync<AeGridRequestException>(() =>
                silo.Grains.GetGrain<ITrialGrain>(trial.TrialId).Start(config, 3, null, null, false, pack));
            Assert.Contains("a pack needs 1 to 16 members", refused.Message);
        }
        Assert.Empty(await silo.Store.GetAttemptsAsync(trial.TrialId));
    }

    static async Task<Dictionary<double, IReadOnlyList<EpochReport>>> EpochsByLearningRateAsync(LocalSilo silo, SweepStatusReport sweep)
    {
        var epochs = new Dictionary<double, IReadOnlyList<EpochReport>>();
        foreach (var trial in sweep.Trials) epochs[trial.Parameters.LearningRate!.Value] = await silo.Store.GetEpochsAsync(trial.TrialId);
        return epochs;
    }

    void AssertSameEpochs(Dictionary<double, IReadOnlyList<EpochReport>> alone, Dictionary<double, IReadOnlyList<EpochReport>> fused)
    {
        Assert.Equal(alone.Keys.Order(), fused.Keys.Order());
        foreach (var (lr, expected) in alone)
        {
            var actual = fused[lr];
            Assert.Equal(expected.Select(e => e.Epoch), actual.Select(e => e.Epoch));
            for (int i = 0; i < expected.Count; i++)
            {
                output.WriteLine($"lr {lr} epoch {expected[i].Epoch}: test_mse alone {expected[i].TestMse:R}, fused {actual[i].TestMse:R}");
                Close(expected[i].TestMse, actual[i].TestMse, $"lr {lr} epoch {expected[i].Epoch} test_mse");
                Close(expected[i].TrainMse, actual[i].TrainMse, $"lr {lr} epoch {expected[i].Epoch} train_mse");
            }
        }
    }

    static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Abs(expected), $"{what}: alone {expected:R}, fused {actual:R}");

    /// <summary>The distinct packs the store's attempts trained in (trial_attempts.pack), read from the SQLite file.</summary>
    static async Task<List<string>> PacksAsync(string store)
    {
        await using var connection = new SqliteConnection($"Data Source={store}");
        await connection.OpenAsync();
        await using var command = new SqliteCommand("SELECT DISTINCT pack FROM trial_attempts WHERE pack IS NOT NULL", connection);
        var packs = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) packs.Add(reader.GetString(0));
        return packs;
    }
}
