using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// Failed attempts on a real silo: retried up to max_attempts, then failed with the error stored while the sweep goes on;
/// bad input fails at once; `RetryFailed` re-runs the failed trials (and only those) with a fresh allowance of attempts.
/// Faults are real exceptions from the store the silo uses (a decorator around its SQLite store).
/// </summary>
[Collection(LocalSiloCollection.Name)]
public sealed class FailureAndRetryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_failing_trial_is_retried_up_to_max_attempts_then_failed_and_RetryFailed_reruns_only_it_with_fresh_attempts()
    {
        FaultInjectingTrialStore? faulty = null;
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1,
            configureServices: s => s.DecorateTrialStore(inner => faulty = new FaultInjectingTrialStore(inner)));
        var spec = SweepFiles.Tiny("failures", """
            architecture: linear
            epochs: 2
            max_attempts: 3
            search: grid
            space:
              lr: [0.01, 0.005, 0.002]
            """);
        // Every attempt of the middle trial fails as it starts: its checkpoint cannot be read.
        faulty!.FailCheckpointLoadsOf = trialId => trialId.EndsWith("-t0001", StringComparison.Ordinal);

        var id = await silo.Directory.Submit(spec, "failures.yaml");
        var first = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
        Show(first);

        var failing = first.Trials[1];
        Assert.Equal(SweepState.Completed, first.Sweep.State); // every trial is final: the sweep went on without it
        Assert.Equal((TrialStatus.Failed, 3), (failing.Status, failing.Attempts));
        Assert.Contains("injected fault: the checkpoint of", failing.Error);
        Assert.Equal(3, faulty.FailedCheckpointLoads[failing.TrialId]);
        // Retried failures are the trial's own ("error"), unlike hand-offs ("pending"): only they count towards max_attempts.
        Assert.Equal(["error", "error", "failed"], (await silo.Store.GetAttemptsAsync(failing.TrialId)).Select(a => a.Outcome));
        var others = first.Trials.Where(t => t != failing).ToList();
        Assert.All(others, t => Assert.Equal((TrialStatus.Completed, 1, 2), (t.Status, t.Attempts, t.EpochsCompleted)));
        Assert.Equal(others.Select(t => t.TrialId).Order(), (await silo.Sweep(id).GetLeaderboard(10, null)).Select(e => e.TrialId).Order());
        var epochsBefore = await EpochRowsAsync(silo, others);

        // The store recovers, though not at once: two more failures, fewer than max_attempts. The retried trial has
        // used up its 3 attempts already, yet gets a fair run again.
        var failuresLeft = 2;
        faulty.FailCheckpointLoadsOf = trialId => trialId == failing.TrialId && Interlocked.Decrement(ref failuresLeft) >= 0;
        Assert.Equal(1, await silo.Sweep(id).RetryFailed());
        var second = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
        Show(second);
        foreach (var a in await silo.Store.GetAttemptsAsync(failing.TrialId))
            output.WriteLine($"attempt {a.Attempt}: {a.StartedAt:HH:mm:ss.fff} - {a.EndedAt:HH:mm:ss.fff} {a.Outcome}");

        Assert.Equal(SweepState.Completed, second.Sweep.State);
        var retried = second.Trials[1];
        Assert.Equal((TrialStatus.Completed, 6, 2, null), (retried.Status, retried.Attempts, retried.EpochsCompleted, retried.Error));
        Assert.Equal(5, faulty.FailedCheckpointLoads[failing.TrialId]);
        // The completed trials were not run again: same attempts, the very same epoch rows.
        Assert.All(second.Trials.Where(t => t.TrialId != failing.TrialId), t => Assert.Equal((TrialStatus.Completed, 1), (t.Status, t.Attempts)));
        Assert.Equal(epochsBefore, await EpochRowsAsync(silo, others));
        Assert.Equal(3, (await silo.Sweep(id).GetLeaderboard(10, null)).Length);
        Assert.Equal(0, await silo.Sweep(id).RetryFailed());
    }

    [Fact]
    public async Task Bad_input_fails_at_once_without_retries_with_its_error_stored()
    {
        using var folder = new TemporaryFolder();
        await using var silo = await LocalSilo.StartAsync(LocalSilo.NewSqliteStore(folder), slots: 1);
        var missing = Path.Combine(folder.Path, "no-such-dataset");
        var spec = $"""
            name: bad-dataset
            architecture: linear
            limit: 200
            batch_size: 50
            epochs: 1
            max_attempts: 3
            search: grid
            space:
              dataset: [{RepoPaths.MnistFixture}, {missing}]
            """;

        var id = await silo.Directory.Submit(spec, "bad-dataset.yaml");
        var final = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
        Show(final);

        Assert.Equal(SweepState.Completed, final.Sweep.State);
        Assert.Equal((TrialStatus.Completed, 1), (final.Trials[0].Status, final.Trials[0].Attempts));
        var bad = final.Trials[1];
        Assert.Equal((TrialStatus.Failed, 1), (bad.Status, bad.Attempts));
        Assert.Contains(missing, bad.Error);
        Assert.Equal(["failed"], (await silo.Store.GetAttemptsAsync(bad.TrialId)).Select(a => a.Outcome));

        // A hyperparameter the sweep file's checks would have refused, in a store written by other means, fails the same way.
        var handMade = "hand-made-000001";
        var parameters = new Hyperparameters
        {
            Architecture = "linear", Dataset = RepoPaths.MnistFixture, Limit = 200, BatchSize = 50, Epochs = 1, LearningRate = -0.5,
        };
        await silo.Store.CreateSweepAsync(
            new SweepRecord(handMade, "hand-made", SweepState.Running, SweepFiles.Tiny("hand-made", "architecture: linear\nepochs: 1"),
                "test_mse", false, DateTimeOffset.UtcNow, null),
            [new TrialConfig(TrialConfig.MakeId(handMade, 0), handMade, 0, parameters)]);
        await silo.Sweep(handMade).Start();
        var invalid = (await silo.WaitForSweepAsync(handMade, TimeSpan.FromMinutes(1))).Trials.Single();
        Assert.Equal((TrialStatus.Failed, 1), (invalid.Status, invalid.Attempts));
        Assert.Contains("lr", invalid.Error);
        Assert.Contains("-0.5", invalid.Error);
    }

    [Fact]
    public async Task A_trial_whose_silos_died_under_it_three_times_in_a_row_fails_with_that_reason_and_retry_runs_it_again()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1);
        var id = "oom-000001";
        var trialId = TrialConfig.MakeId(id, 0);
        var parameters = new Hyperparameters
        {
            Architecture = "linear", Dataset = RepoPaths.MnistFixture, Limit = 200, BatchSize = 50, Epochs = 1, LearningRate = 0.01,
        };
        await silo.Store.CreateSweepAsync(
            new SweepRecord(id, "oom", SweepState.Running, SweepFiles.Tiny("oom", "architecture: linear\nepochs: 1"),
                "test_mse", false, DateTimeOffset.UtcNow, null),
            [new TrialConfig(trialId, id, 0, parameters)]);
        // Its history: one hand-off (a rolling deploy), then three attempts whose silos each died while it trained.
        await DieOnAsync(silo.Store, trialId, "deploy", handOff: true);
        for (int i = 0; i < 3; i++) await DieOnAsync(silo.Store, trialId, $"node{i}", handOff: false);

        await silo.Sweep(id).Start();
        var failed = (await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1))).Trials.Single();

        output.WriteLine($"{failed.TrialId}: {failed.Status.ToWire()} after {failed.Attempts} attempts: {failed.Error}");
        Assert.Equal(TrialStatus.Failed, failed.Status);
        Assert.Contains("ended with the death of their silo", failed.Error);
        Assert.Equal(0, failed.EpochsCompleted); // not run a fourth time
        Assert.Equal(["pending", "silo-dead", "silo-dead", "silo-dead", "failed"],
            (await silo.Store.GetAttemptsAsync(trialId)).Select(a => a.Outcome));

        // `sweep retry` gives it a fresh count: it runs.
        Assert.Equal(1, await silo.Sweep(id).RetryFailed());
        var retried = (await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1))).Trials.Single();
        Assert.Equal((TrialStatus.Completed, 1), (retried.Status, retried.EpochsCompleted));
    }

    /// <summary>An attempt of the trial on a silo that then died (membership closed it) or handed it off.</summary>
    static async Task DieOnAsync(ITrialStore store, string trialId, string siloName, bool handOff)
    {
        await store.RegisterSiloAsync(siloName, "cpu", 1);
        var attempt = await store.BeginAttemptAsync(trialId, siloName, TimeSpan.FromMinutes(1))
                      ?? throw new InvalidOperationException($"{siloName} could not claim {trialId}");
        if (handOff) await store.EndAttemptAsync(trialId, attempt, TrialStatus.Pending, "handed off at a checkpoint");
        else await store.AbandonAttemptsOfSiloAsync(siloName);
        await store.UnregisterSiloAsync(siloName);
    }

    static async Task<List<string>> EpochRowsAsync(LocalSilo silo, IEnumerable<TrialSummary> trials)
    {
        var rows = new List<string>();
        foreach (var t in trials)
            rows.AddRange((await silo.Store.GetEpochsAsync(t.TrialId)).Select(e => $"{e.TrialId} {e.Epoch} {e.Attempt} {e.TestMse:R} {e.WallSeconds:R}"));
        return rows;
    }

    void Show(SweepStatusReport status)
    {
        foreach (var t in status.Trials)
            output.WriteLine($"{t.TrialId}: {t.Status.ToWire()}, {t.Attempts} attempt(s), {t.EpochsCompleted} epochs, error: {t.Error}");
    }
}
