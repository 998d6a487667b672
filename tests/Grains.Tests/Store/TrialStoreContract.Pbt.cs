using AeGrid.Abstractions;
using AeGrid.Grains.Store;

namespace AeGrid.Grains.Tests.Store;

/// <summary>Population-based training: snapshots, and the exploit as one fenced, idempotent transaction.</summary>
public abstract partial class TrialStoreContract
{
    /// <summary>A sweep of two running trials (recipient, donor) on one silo, the donor with a snapshot at epoch 2.</summary>
    private async Task<(string SweepId, string Recipient, int RecipientAttempt, string Donor, int DonorAttempt)> PopulationAsync()
    {
        var (sweepId, trialIds) = await NewSweepAsync(trials: 2);
        var silo = await NewSiloAsync(slots: 2);
        var recipientAttempt = (await Store.BeginAttemptAsync(trialIds[0], silo, TimeSpan.FromMinutes(5)))!.Value;
        var donorAttempt = (await Store.BeginAttemptAsync(trialIds[1], silo, TimeSpan.FromMinutes(5)))!.Value;
        Assert.True(await Store.SaveSnapshotAsync(new StoredCheckpoint(trialIds[1], donorAttempt, 2, 0, [20, 20, 20])));
        return (sweepId, trialIds[0], recipientAttempt, trialIds[1], donorAttempt);
    }

    private static ExploitRequest Exploit(string recipient, int attempt, string donor, int epoch, double lr = 0.0024) =>
        new(recipient, attempt, donor, epoch, Parameters(1) with { LearningRate = lr }, Epoch(recipient, epoch, attempt, testMse: 0.09));

    [Fact]
    public async Task Snapshots_are_saved_per_epoch_read_back_and_fenced_like_checkpoints()
    {
        var (sweepId, recipient, recipientAttempt, donor, donorAttempt) = await PopulationAsync();
        Assert.True(await Store.SaveSnapshotAsync(new StoredCheckpoint(donor, donorAttempt, 4, 0, [40])));
        Assert.True(await Store.SaveSnapshotAsync(new StoredCheckpoint(recipient, recipientAttempt, 4, 0, [41])));

        Assert.Equal([donor], await Store.GetSnapshotHoldersAsync(sweepId, 2));
        Assert.Equal(new[] { recipient, donor }.Order(StringComparer.Ordinal), await Store.GetSnapshotHoldersAsync(sweepId, 4));
        Assert.Empty(await Store.GetSnapshotHoldersAsync(sweepId, 6));
        var two = await Store.LoadSnapshotAsync(donor, 2);
        Assert.Equal(new byte[] { 20, 20, 20 }, two!.Bytes);
        Assert.Equal((2, 0), (two.Epoch, two.Batch));
        Assert.Null(await Store.LoadSnapshotAsync(donor, 3));
        // The checkpoint is apart: a snapshot does not replace it.
        Assert.Null(await Store.LoadCheckpointAsync(donor));

        // A zombie (an attempt no longer current) writes no snapshot.
        Assert.False(await Store.SaveSnapshotAsync(new StoredCheckpoint(donor, donorAttempt + 1, 6, 0, [60])));
        await Store.AbandonAttemptsOfSiloAsync((await Store.GetTrialAsync(donor))!.Silo!);
        Assert.False(await Store.SaveSnapshotAsync(new StoredCheckpoint(donor, donorAttempt, 6, 0, [60])));
        Assert.Null(await Store.LoadSnapshotAsync(donor, 6));
    }

    [Fact]
    public async Task Exploit_copies_the_donors_snapshot_sets_the_parameters_ends_the_attempt_and_records_the_lineage()
    {
        var (sweepId, recipient, attempt, donor, _) = await PopulationAsync();
        var before = (await Store.GetTrialAsync(recipient))!.Parameters;
        Assert.True(await Store.SaveCheckpointAsync(new StoredCheckpoint(recipient, attempt, 2, 0, [9, 9])));

        Assert.Equal(ExploitResult.Applied, await Store.ExploitAsync(Exploit(recipient, attempt, donor, 2)));

        var trial = (await Store.GetTrialAsync(recipient))!;
        Assert.Equal(TrialStatus.Pending, trial.Status);
        Assert.Equal(0.0024, trial.Parameters.LearningRate);
        Assert.Equal(2, trial.EpochsCompleted);
        var checkpoint = (await Store.LoadCheckpointAsync(recipient))!;
        Assert.Equal(new byte[] { 20, 20, 20 }, checkpoint.Bytes);
        Assert.Equal((recipient, 2, 0), (checkpoint.TrialId, checkpoint.Epoch, checkpoint.Batch));
        Assert.Equal(AttemptOutcomes.Exploited, (await Store.GetAttemptsAsync(recipient)).Single().Outcome);
        // The epoch writer had not flushed epoch 2 yet: the exploit stored the sweep's report, once.
        var epoch = Assert.Single(await Store.GetEpochsAsync(recipient));
        Assert.Equal((2, 0.09), (epoch.Epoch, epoch.TestMse));
        var exploit = Assert.Single(await Store.GetExploitsAsync(sweepId));
        Assert.Equal((sweepId, recipient, donor, 2), (exploit.SweepId, exploit.TrialId, exploit.DonorId, exploit.Epoch));
        Assert.Equal((before.LearningRate, before.Architecture), (exploit.OldParameters.LearningRate, exploit.OldParameters.Architecture));
        Assert.Equal(0.0024, exploit.NewParameters.LearningRate);
        // Not one of the trial's own failures: the next attempt begins as after a hand-off.
        var silo = await NewSiloAsync(slots: 1);
        Assert.Equal(attempt + 1, await Store.BeginAttemptAsync(recipient, silo, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task After_an_exploit_the_recipients_own_later_checkpoint_and_epochs_are_refused()
    {
        var (_, recipient, attempt, donor, _) = await PopulationAsync();
        // Its epoch 2 row is flushed already; the exploit keeps it (one row per epoch).
        Assert.Equal(1, await Store.WriteEpochsAsync([Epoch(recipient, 2, attempt, testMse: 0.08)]));

        Assert.Equal(ExploitResult.Applied, await Store.ExploitAsync(Exploit(recipient, attempt, donor, 2)));

        // Its training thread ran on (Ray's #28509: the recipient restored its OWN newer checkpoint): refused.
        Assert.False(await Store.SaveCheckpointAsync(new StoredCheckpoint(recipient, attempt, 3, 0, [3, 3, 3])));
        Assert.Equal(0, await Store.WriteEpochsAsync([Epoch(recipient, 3, attempt), Epoch(recipient, 2, attempt, testMse: 0.5)]));
        Assert.False(await Store.SaveSnapshotAsync(new StoredCheckpoint(recipient, attempt, 2, 0, [2])));
        Assert.False(await Store.EndAttemptAsync(recipient, attempt, TrialStatus.Completed, null));
        Assert.Equal(new byte[] { 20, 20, 20 }, (await Store.LoadCheckpointAsync(recipient))!.Bytes);
        var epoch = Assert.Single(await Store.GetEpochsAsync(recipient));
        Assert.Equal((2, 0.08), (epoch.Epoch, epoch.TestMse));
        Assert.Equal(TrialStatus.Pending, (await Store.GetTrialAsync(recipient))!.Status);
    }

    [Fact]
    public async Task An_exploit_is_applied_once_per_trial_and_epoch()
    {
        var (sweepId, recipient, attempt, donor, _) = await PopulationAsync();
        Assert.Equal(ExploitResult.Applied, await Store.ExploitAsync(Exploit(recipient, attempt, donor, 2)));

        // A retried call, or the same decision from a re-activated sweep: nothing changes.
        Assert.Equal(ExploitResult.AlreadyApplied, await Store.ExploitAsync(Exploit(recipient, attempt, donor, 2, lr: 0.009)));

        Assert.Single(await Store.GetExploitsAsync(sweepId));
        Assert.Equal(0.0024, (await Store.GetTrialAsync(recipient))!.Parameters.LearningRate);
    }

    [Fact]
    public async Task Exploit_refuses_a_stale_attempt_and_a_donor_without_a_snapshot_and_changes_nothing()
    {
        var (sweepId, recipient, attempt, donor, _) = await PopulationAsync();
        Assert.True(await Store.SaveCheckpointAsync(new StoredCheckpoint(recipient, attempt, 4, 0, [4])));

        // Ray's #27170: a trial without a stored checkpoint at that epoch is never a donor.
        Assert.Equal(ExploitResult.NoSnapshot, await Store.ExploitAsync(Exploit(recipient, attempt, donor, 4)));
        Assert.Equal(ExploitResult.NotCurrent, await Store.ExploitAsync(Exploit(recipient, attempt + 1, donor, 2)));
        await Store.AbandonAttemptsOfSiloAsync((await Store.GetTrialAsync(recipient))!.Silo!);
        Assert.Equal(ExploitResult.NotCurrent, await Store.ExploitAsync(Exploit(recipient, attempt, donor, 2)));

        Assert.Empty(await Store.GetExploitsAsync(sweepId));
        Assert.Equal(new byte[] { 4 }, (await Store.LoadCheckpointAsync(recipient))!.Bytes);
        Assert.Equal(Parameters(1).LearningRate, (await Store.GetTrialAsync(recipient))!.Parameters.LearningRate);
        Assert.Empty(await Store.GetEpochsAsync(recipient));
    }

    [Fact]
    public async Task Deleting_a_sweep_deletes_its_snapshots_and_exploits()
    {
        var (sweepId, recipient, attempt, donor, _) = await PopulationAsync();
        Assert.Equal(ExploitResult.Applied, await Store.ExploitAsync(Exploit(recipient, attempt, donor, 2)));
        await Store.CancelTrialsAsync(sweepId, "done");
        await Store.SetSweepStateAsync(sweepId, SweepState.Cancelled);

        Assert.Equal(SweepDeletion.Deleted, await Store.DeleteSweepAsync(sweepId));

        Assert.Empty(await Store.GetExploitsAsync(sweepId));
        Assert.Null(await Store.LoadSnapshotAsync(donor, 2));
        Assert.Empty(await Store.GetSnapshotHoldersAsync(sweepId, 2));
    }
}
