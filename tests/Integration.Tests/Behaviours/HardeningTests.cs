using System.Diagnostics.Metrics;
using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// Failures inside a silo that must not leave work behind: a trial's relay loop failing while its training thread runs,
/// and the store failing while a sweep finishes. Real local silos, faults injected into their real SQLite store. Runs
/// alone (the telemetry collection): it counts training threads through the process-wide meter.
/// </summary>
[Collection(nameof(TelemetryTests))]
public sealed class HardeningTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_trial_whose_checkpoint_cannot_be_saved_stops_its_training_thread_before_its_attempt_ends()
    {
        int threads = 0;
        using var meter = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "aegrid.training.threads") listener.EnableMeasurementEvents(instrument);
            },
        };
        meter.SetMeasurementEventCallback<int>((_, delta, _, _) => Interlocked.Add(ref threads, delta));
        meter.Start();
        FaultInjectingTrialStore? faulty = null;
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1,
            configureServices: s => s.DecorateTrialStore(inner => faulty = new FaultInjectingTrialStore(inner)));
        faulty!.FailCheckpointSavesOf = _ => true;
        // Minutes of training if nothing stopped it; the first checkpoint (after one batch) cannot be saved.
        var spec = SweepFiles.Tiny("relay-fails", """
            architecture: linear
            epochs: 2000
            max_attempts: 1
            checkpoint_every_batches: 1
            search: grid
            space:
              lr: [0.01]
            """);

        var id = await silo.Directory.Submit(spec, "relay-fails.yaml");
        var final = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
        var threadsWhenEnded = Volatile.Read(ref threads);

        var trial = final.Trials.Single();
        output.WriteLine($"{trial.TrialId}: {trial.Status.ToWire()} after {trial.EpochsCompleted} epochs: {trial.Error}; training threads then: {threadsWhenEnded}");
        Assert.Equal(TrialStatus.Failed, trial.Status);
        Assert.Contains("cannot be saved", trial.Error);
        Assert.Equal(0, threadsWhenEnded); // no orphan still training a trial whose slot is already free
    }

    [Fact]
    public async Task A_sweep_whose_finish_fails_once_finishes_at_the_next_tick()
    {
        FaultInjectingTrialStore? faulty = null;
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1,
            configureServices: s => s.DecorateTrialStore(inner => faulty = new FaultInjectingTrialStore(inner)));
        faulty!.FailNextSetKept = 2;
        var spec = SweepFiles.Tiny("finish-fails", """
            architecture: linear
            epochs: 1
            keep_best: 1
            search: grid
            space:
              lr: [0.01, 0.005]
            """);

        var id = await silo.Directory.Submit(spec, "finish-fails.yaml");
        var final = await silo.WaitForSweepAsync(id, TimeSpan.FromSeconds(30));

        Assert.Equal(SweepState.Completed, final.Sweep.State);
        Assert.All(final.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Single(final.Trials, t => t.Kept);
        Assert.True(faulty.FailNextSetKept < 0, "the injected failures never happened");
    }

    [Fact]
    public async Task A_report_from_an_older_attempt_than_the_trials_current_one_is_ignored()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1);
        var id = await silo.Directory.Submit(SweepFiles.Tiny("stale", "architecture: linear\nepochs: 2\nsearch: grid\nspace:\n  lr: [0.01]"), "stale.yaml");
        var trial = (await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1))).Trials.Single();
        Assert.Equal(1, trial.Attempts);
        var before = trial.LastEpoch!;

        // A zombie of an attempt the trial no longer has (a silo presumed dead) reports late.
        var zombie = before with { Attempt = 0, TestMse = 999 };
        await silo.Sweep(id).ReportEpoch(zombie);
        await silo.Sweep(id).ReportFinished(trial.TrialId, 0, TrialStatus.Failed, "zombie");
        // Both are one-way notices: give the sweep time to act on them before reading what it holds.
        await Task.Delay(TimeSpan.FromSeconds(1));

        var after = (await silo.Sweep(id).GetStatus()).Trials.Single();
        Assert.Equal((TrialStatus.Completed, before.TestMse), (after.Status, after.LastEpoch!.TestMse));
    }
}
