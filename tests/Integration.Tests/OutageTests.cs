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
    public async Task A_frozen_member_loses_its_trials_when_their_leases_run_out_while_a_drained_silo_hands_off()
    {
        // Default failure detection: the frozen silo stays a member for about a minute, so only the lease can free its trial.
        await using var grid = await OutageGrid.StartAsync(server, output, "outage_freeze", silos: 1, fastFailureDetection: false);
        // The sweep's grains live on the first silo, which is drained below: the re-activated sweep must not take the
        // draining silo's trial for lost before its hand-off checkpoint is written.
        var sweepId = await grid.SubmitAsync("freeze", trials: 6, Epochs);
        grid.AddSilos(2);
        await grid.WaitUntilRunningAsync();
        var (drained, frozen) = await grid.TwoSilosTrainingAsync(minEpochs: 1, TimeSpan.FromMinutes(3), preferFirst: grid.Silos[0]);
        var frozenAddress = await grid.SiloAddressOfAsync(frozen);
        var drainedAddress = await grid.SiloAddressOfAsync(drained);

        frozen.Freeze();
        var frozenAt = DateTime.UtcNow;
        drained.Terminate();
        grid.Log($"SIGSTOP {frozen.Name}, SIGTERM {drained.Name}");
        await drained.WaitForExitAsync(TimeSpan.FromSeconds(45));
        grid.Log($"{drained.Name} exited {drained.ExitCode} after {(DateTime.UtcNow - frozenAt).TotalSeconds:0.0} s");
        Assert.Equal(0, drained.ExitCode);

        var closed = await grid.WaitForAttemptClosedAsync(frozenAddress, TimeSpan.FromMinutes(2));
        grid.Log($"the frozen silo's attempt closed as {closed.Outcome} {(closed.At - frozenAt).TotalSeconds:0.0} s after the freeze");
        Assert.Equal("expired", closed.Outcome);
        Assert.True(await grid.IsActiveMemberAsync(frozenAddress), "the frozen silo was declared dead first: the lease was not what freed its trial");

        // A replacement joins, as a scaled-down Deployment would start one; then the frozen silo wakes up as a zombie.
        grid.AddSilos(1);
        var watchTask = grid.WatchAsync(sweepId, TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(5));
        frozen.Thaw();
        grid.Log($"SIGCONT {frozen.Name}");
        var watch = await watchTask;
        grid.Log($"sweep watch exited {watch.ExitCode}");
        Assert.True(watch.ExitCode == 0, watch.Stderr + watch.Stdout);

        await grid.AssertEveryTrialCompletedOnceAsync(trials: 6, Epochs);
        var drainedOutcomes = await grid.OutcomesOnAsync(drainedAddress);
        grid.Log($"drained silo's attempts: {string.Join(", ", drainedOutcomes)}");
        Assert.DoesNotContain("silo-dead", drainedOutcomes);
        Assert.DoesNotContain("expired", drainedOutcomes);
        Assert.Contains("pending", drainedOutcomes); // handed off at a checkpoint
        var resumed = await grid.ResumedAfterAsync(closed.Trial, frozenAddress);
        output.WriteLine($"FREEZE-TEST: lease {LeaseSeconds} s; frozen silo's attempt expired {(closed.At - frozenAt).TotalSeconds:0.0} s " +
                         $"after SIGSTOP; its trial resumed {(resumed - frozenAt).TotalSeconds:0.0} s after it; epochs redone {await grid.RedoneEpochsAsync()}");
    }
}
