using AeGrid.Abstractions;
using AeGrid.Grains.Store;

namespace AeGrid.Grains.Tests.Store;

/// <summary>The store rules behind recovery and cancel: leases that ran out, set-based cancel and retry, and which of two
/// parties deciding about one trial at once wins.</summary>
public abstract partial class TrialStoreContract
{
    [Fact]
    public async Task Expire_leases_sets_back_trials_whose_lease_ran_out_and_fences_their_owner()
    {
        var (sweepId, trialIds) = await NewSweepAsync(trials: 3);
        var silo = await NewSiloAsync(slots: 3);
        var shortLease = await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMilliseconds(200));
        var longLease = await Store.BeginAttemptAsync(trialIds[1], silo, TimeSpan.FromMinutes(5));
        await Task.Delay(500);

        var requeued = await Store.ExpireLeasesAsync(sweepId);

        Assert.Equal([trialIds[0]], requeued);
        Assert.Equal(TrialStatus.Pending, (await Store.GetTrialAsync(trialIds[0]))!.Status);
        Assert.Equal(TrialStatus.Running, (await Store.GetTrialAsync(trialIds[1]))!.Status);
        Assert.Equal(TrialStatus.Pending, (await Store.GetTrialAsync(trialIds[2]))!.Status);
        Assert.Equal(AttemptOutcomes.Expired, (await Store.GetAttemptsAsync(trialIds[0])).Single().Outcome);
        // The owner that comes back is fenced out: no renewal, no epoch rows, no end.
        Assert.False(await Store.RenewLeaseAsync(trialIds[0], shortLease!.Value, TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await Store.WriteEpochsAsync([Epoch(trialIds[0], 1, shortLease.Value)]));
        Assert.False(await Store.EndAttemptAsync(trialIds[0], shortLease.Value, TrialStatus.Completed, null));
        Assert.Empty(await Store.ExpireLeasesAsync(sweepId)); // nothing more to do: idempotent
        Assert.Equal(1, longLease);
        // The trial can be claimed again at once, and the slot of the expired attempt is free.
        Assert.Equal(2, await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Expire_leases_touches_only_the_named_sweep()
    {
        var (sweepA, trialsA) = await NewSweepAsync(trials: 1);
        var (sweepB, trialsB) = await NewSweepAsync(trials: 1);
        var silo = await NewSiloAsync(slots: 2);
        await Store.BeginAttemptAsync(trialsA[0], silo, TimeSpan.FromMilliseconds(100));
        await Store.BeginAttemptAsync(trialsB[0], silo, TimeSpan.FromMilliseconds(100));
        await Task.Delay(300);

        Assert.Equal([trialsA[0]], await Store.ExpireLeasesAsync(sweepA));
        Assert.Equal(TrialStatus.Running, (await Store.GetTrialAsync(trialsB[0]))!.Status);
        Assert.Equal([trialsB[0]], await Store.ExpireLeasesAsync(sweepB));
    }

    [Fact]
    public async Task Cancel_trials_is_compare_and_set_and_returns_the_running_ones()
    {
        var (sweepId, trialIds) = await NewSweepAsync(trials: 4);
        var silo = await NewSiloAsync(slots: 2);
        var running = (await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1)))!.Value;
        var finishing = (await Store.BeginAttemptAsync(trialIds[1], silo, TimeSpan.FromMinutes(1)))!.Value;
        Assert.True(await Store.EndAttemptAsync(trialIds[1], finishing, TrialStatus.Completed, null)); // just completed
        await Store.SetTrialStatusAsync(trialIds[3], TrialStatus.Failed, "boom");

        var stillRunning = await Store.CancelTrialsAsync(sweepId, "sweep cancelled");

        Assert.Equal([trialIds[0]], stillRunning);
        var trials = await Store.GetTrialsAsync(sweepId);
        Assert.Equal([TrialStatus.Cancelled, TrialStatus.Completed, TrialStatus.Cancelled, TrialStatus.Failed], trials.Select(t => t.Status));
        Assert.Equal("sweep cancelled", trials[2].Error);
        // The running attempt stays open for its owner, which can no longer renew: the trial is not running any more.
        Assert.False(await Store.RenewLeaseAsync(trialIds[0], running, TimeSpan.FromMinutes(1)));
        Assert.True(await Store.EndAttemptAsync(trialIds[0], running, TrialStatus.Cancelled, null));
        Assert.Equal(TrialStatus.Cancelled, (await Store.GetTrialAsync(trialIds[0]))!.Status);
        Assert.Empty(await Store.CancelTrialsAsync(sweepId, "again"));
    }

    [Theory]
    [InlineData(TrialStatus.Pending, TrialStatus.Cancelled)]   // a hand-off after the cancel
    [InlineData(TrialStatus.Failed, TrialStatus.Cancelled)]    // a crash after the cancel
    [InlineData(TrialStatus.Pruned, TrialStatus.Cancelled)]
    [InlineData(TrialStatus.Completed, TrialStatus.Completed)] // the work finished before the stop arrived: keep it
    [InlineData(TrialStatus.Diverged, TrialStatus.Diverged)]
    public async Task An_attempt_ending_after_a_cancel_keeps_the_cancel_unless_its_work_finished(TrialStatus ending, TrialStatus expected)
    {
        var (sweepId, trialIds) = await NewSweepAsync(trials: 1);
        var silo = await NewSiloAsync(slots: 1);
        var attempt = (await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1)))!.Value;
        await Store.CancelTrialsAsync(sweepId, "sweep cancelled");

        Assert.True(await Store.EndAttemptAsync(trialIds[0], attempt, ending, "late"));

        Assert.Equal(expected, (await Store.GetTrialAsync(trialIds[0]))!.Status);
        Assert.Null(await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(1))); // never re-admitted
    }

    [Fact]
    public async Task Retry_failed_trials_sets_back_only_failed_ones()
    {
        var (sweepId, trialIds) = await NewSweepAsync(trials: 3);
        await Store.SetTrialStatusAsync(trialIds[0], TrialStatus.Failed, "boom");
        await Store.SetTrialStatusAsync(trialIds[1], TrialStatus.Completed, null);

        Assert.Equal(1, await Store.RetryFailedTrialsAsync(sweepId));

        var trials = await Store.GetTrialsAsync(sweepId);
        Assert.Equal([TrialStatus.Pending, TrialStatus.Completed, TrialStatus.Pending], trials.Select(t => t.Status));
        Assert.Null(trials[0].Error);
        Assert.Null(trials[0].FinishedAt);
        Assert.Equal(0, await Store.RetryFailedTrialsAsync(sweepId));
    }

    [Fact]
    public async Task An_attempt_can_end_with_its_own_outcome_and_a_retried_end_still_succeeds()
    {
        var (trialId, attempt) = await RunningTrialAsync();

        Assert.True(await Store.EndAttemptAsync(trialId, attempt, TrialStatus.Pending, "IOException: disk", AttemptOutcomes.Error));
        Assert.True(await Store.EndAttemptAsync(trialId, attempt, TrialStatus.Pending, "IOException: disk", AttemptOutcomes.Error));

        Assert.Equal(AttemptOutcomes.Error, (await Store.GetAttemptsAsync(trialId)).Single().Outcome);
        Assert.Equal(TrialStatus.Pending, (await Store.GetTrialAsync(trialId))!.Status);
        Assert.False(await Store.EndAttemptAsync(trialId, attempt, TrialStatus.Completed, null)); // a different end: fenced
    }
}
