using System.Diagnostics;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests;

/// <summary>
/// What a production cluster does to the grid beyond a clean kill: a database outage longer than the attempt lease, a
/// silo that hangs (SIGSTOP) but stays a member, and a graceful drain at the same moment. Real `aegrid silo` processes on
/// a real PostgreSQL; a short lease so the tests take seconds, not minutes.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class OutageTests(PostgresServer server, ITestOutputHelper output)
{
    const int LeaseSeconds = OutageGrid.LeaseSeconds;
    const int Epochs = 8;

    [Fact]
    public async Task A_database_outage_longer_than_the_lease_fences_trials_out_and_the_sweep_still_finishes()
    {
        await using var grid = await OutageGrid.StartAsync(server, output, "outage_db", silos: 2, fastFailureDetection: true);
        var sweepId = await grid.SubmitAsync("outage", trials: 4, Epochs);
        await grid.WaitForTrainingAsync(silos: 2, minEpochs: 1, TimeSpan.FromMinutes(3));

        var outage = TimeSpan.FromSeconds(LeaseSeconds * 3);
        await server.StopAsync();
        grid.Log($"PostgreSQL stopped for {outage.TotalSeconds:0} s (lease {LeaseSeconds} s)");
        await Task.Delay(outage);
        await server.StartAsync();
        var back = DateTime.UtcNow;
        grid.Log("PostgreSQL back");

        var watch = await grid.WatchAsync(sweepId, TimeSpan.FromMinutes(4));
        var finished = DateTime.UtcNow;
        grid.Log($"sweep watch exited {watch.ExitCode} {(finished - back).TotalSeconds:0.0} s after the database came back");
        Assert.True(watch.ExitCode == 0, watch.Stderr + watch.Stdout);

        await grid.AssertEveryTrialCompletedOnceAsync(trials: 4, Epochs);
        var expired = await grid.AttemptsWithOutcomeAsync("expired");
        grid.Log($"attempts closed as expired: {expired}");
        Assert.True(expired > 0, "no attempt outlived its lease, so the outage tested nothing");
        var sweepEnded = await grid.SweepFinishedAtAsync(sweepId);
        var recovery = sweepEnded - back;
        output.WriteLine($"OUTAGE-TEST: database down {outage.TotalSeconds:0} s with a {LeaseSeconds} s lease; {expired} attempts expired; " +
                         $"sweep finished {recovery.TotalSeconds:0.0} s after the database returned; epochs redone {await grid.RedoneEpochsAsync()}");
        Assert.True(recovery < TimeSpan.FromMinutes(1), $"the sweep finished {recovery} after the database came back");
    }

    [Fact]
    public async Task A_frozen_member_loses_its_trial_when_the_lease_runs_out_before_membership_declares_it_dead()
    {
        // Default failure detection: a frozen silo stays a member for about a minute, so only the lease can free its trial.
        // The sweep's grains live on the first silo (the only one at submit), which is never frozen.
        await using var grid = await OutageGrid.StartAsync(server, output, "outage_freeze", silos: 1, fastFailureDetection: false);
        var sweepId = await grid.SubmitAsync("freeze", trials: 5, Epochs);
        grid.AddSilos(2);
        await grid.WaitUntilRunningAsync();
        var frozen = await grid.SiloTrainingAsync(minEpochs: 1, TimeSpan.FromMinutes(3), except: grid.Silos[0]);
        var frozenAddress = await grid.SiloAddressOfAsync(frozen);
        var attempt = await grid.OpenAttemptOnAsync(frozenAddress);

        frozen.Freeze();
        var frozenAt = DateTime.UtcNow;
        grid.Log($"SIGSTOP {frozen.Name} while it trains {attempt.Trial}");
        var closed = await grid.WaitForAttemptClosedAsync(attempt, TimeSpan.FromMinutes(2));
        var activeWhenClosed = await grid.IsActiveMemberAsync(frozenAddress);
        grid.Log($"its attempt closed as {closed.Outcome} {(closed.At - frozenAt).TotalSeconds:0.0} s after the freeze (still a member: {activeWhenClosed})");
        Assert.Equal("expired", closed.Outcome);
        Assert.True(activeWhenClosed, "the frozen silo was declared dead first: the lease was not what freed its trial");

        // The frozen silo wakes up as a zombie: fenced out of every write; the sweep finishes all the same.
        await Task.Delay(TimeSpan.FromSeconds(3));
        frozen.Thaw();
        grid.Log($"SIGCONT {frozen.Name}");
        var watch = await grid.WatchAsync(sweepId, TimeSpan.FromMinutes(5));
        grid.Log($"sweep watch exited {watch.ExitCode}");
        Assert.True(watch.ExitCode == 0, watch.Stderr + watch.Stdout);
        await grid.AssertEveryTrialCompletedOnceAsync(trials: 5, Epochs);
        var resumed = await grid.ResumedAfterAsync(attempt.Trial, attempt.Number);
        output.WriteLine($"FREEZE-TEST: lease {LeaseSeconds} s; the frozen member's attempt expired {(closed.At - frozenAt).TotalSeconds:0.0} s " +
                         $"after SIGSTOP; its trial resumed {(resumed - frozenAt).TotalSeconds:0.0} s after it; epochs redone {await grid.RedoneEpochsAsync()}");
    }

    [Fact]
    public async Task A_silo_drained_while_another_is_frozen_hands_its_trial_off_and_nothing_is_trained_twice()
    {
        await using var grid = await OutageGrid.StartAsync(server, output, "outage_drain", silos: 3, fastFailureDetection: true);
        // Longer trials: the drained one must still be training when the (slowed) shutdown reaches its grain.
        const int drainEpochs = 12;
        var sweepId = await grid.SubmitAsync("drain", trials: 6, drainEpochs);
        var (drained, frozen) = await grid.TwoSilosTrainingAsync(minEpochs: 1, TimeSpan.FromMinutes(3));
        var drainedAddress = await grid.SiloAddressOfAsync(drained);
        var drainedAttempt = await grid.OpenAttemptOnAsync(drainedAddress);

        frozen.Freeze();
        drained.Terminate();
        var stoppedAt = DateTime.UtcNow;
        grid.Log($"SIGSTOP {frozen.Name}, SIGTERM {drained.Name}");
        await drained.WaitForExitAsync(TimeSpan.FromSeconds(45));
        grid.Log($"{drained.Name} exited {drained.ExitCode} after {(DateTime.UtcNow - stoppedAt).TotalSeconds:0.0} s");
        Assert.Equal(0, drained.ExitCode); // a clean stop, however long the frozen peer makes it
        grid.AddSilos(1); // the Deployment replaces the drained pod

        var watch = await grid.WatchAsync(sweepId, TimeSpan.FromMinutes(5));
        grid.Log($"sweep watch exited {watch.ExitCode}");
        Assert.True(watch.ExitCode == 0, watch.Stderr + watch.Stdout);
        await grid.AssertEveryTrialCompletedOnceAsync(trials: 6, drainEpochs);
        // The drained trial was handed off at a checkpoint (or finished first, on a loaded machine): never taken for
        // lost (expired, silo-dead) while its silo was still writing it.
        var handedOff = await grid.OutcomeOfAsync(drainedAttempt);
        grid.Log($"the drained silo's attempt ended {handedOff}");
        Assert.Contains(handedOff, new[] { "pending", "completed" });
        var resumed = handedOff == "pending"
            ? $"its trial resumed {(await grid.ResumedAfterAsync(drainedAttempt.Trial, drainedAttempt.Number) - stoppedAt).TotalSeconds:0.0} s after SIGTERM"
            : "its trial completed before the pause reached it";
        output.WriteLine($"DRAIN-TEST: drained silo exited {drained.ExitCode}; {resumed}; epochs redone {await grid.RedoneEpochsAsync()}");
    }
}
