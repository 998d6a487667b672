using AeGrid.Abstractions;
using AeGrid.Grains.Store;

namespace AeGrid.Grains.Tests.Store;

/// <summary>`aegrid sweep delete`: a finished sweep goes with everything under it; a running one stays.</summary>
public abstract partial class TrialStoreContract
{
    [Fact]
    public async Task Delete_sweep_removes_a_finished_sweep_with_its_rows_and_refuses_a_running_one()
    {
        var (doomed, doomedTrials) = await NewSweepAsync(trials: 2, name: "doomed");
        var (kept, keptTrials) = await NewSweepAsync(trials: 1, name: "kept");
        var silo = await NewSiloAsync(slots: 2);
        foreach (var trialId in new[] { doomedTrials[0], keptTrials[0] })
        {
            var attempt = (await Store.BeginAttemptAsync(trialId, silo, TimeSpan.FromMinutes(1)))!.Value;
            Assert.Equal(1, await Store.WriteEpochsAsync([Epoch(trialId, 1, attempt)]));
            Assert.True(await Store.SaveCheckpointAsync(new StoredCheckpoint(trialId, attempt, 1, 0, [1, 2, 3])));
            Assert.True(await Store.EndAttemptAsync(trialId, attempt, TrialStatus.Completed, null));
            await Store.SaveModelAsync(new StoredModel(trialId, [4, 5, 6], DateTimeOffset.UtcNow));
        }

        Assert.Equal(SweepDeletion.Running, await Store.DeleteSweepAsync(doomed));
        Assert.NotNull(await Store.GetSweepAsync(doomed));
        Assert.Equal(2, (await Store.GetTrialsAsync(doomed)).Count);

        await Store.SetSweepStateAsync(doomed, SweepState.Completed);
        await Store.SetSweepStateAsync(kept, SweepState.Completed);
        Assert.Equal(SweepDeletion.Deleted, await Store.DeleteSweepAsync(doomed));

        Assert.Null(await Store.GetSweepAsync(doomed));
        Assert.Empty(await Store.GetTrialsAsync(doomed));
        foreach (var trialId in doomedTrials)
        {
            Assert.Null(await Store.GetTrialAsync(trialId));
            Assert.Empty(await Store.GetEpochsAsync(trialId));
            Assert.Empty(await Store.GetAttemptsAsync(trialId));
            Assert.Null(await Store.LoadCheckpointAsync(trialId));
            Assert.Null(await Store.GetModelAsync(trialId));
        }
        Assert.Equal(SweepDeletion.NotFound, await Store.DeleteSweepAsync(doomed)); // again: nothing left to delete

        // The other sweep keeps every row.
        Assert.Equal([kept], (await Store.ListSweepsAsync()).Select(s => s.Id));
        Assert.Single(await Store.GetEpochsAsync(keptTrials[0]));
        Assert.Single(await Store.GetAttemptsAsync(keptTrials[0]));
        Assert.NotNull(await Store.LoadCheckpointAsync(keptTrials[0]));
        Assert.NotNull(await Store.GetModelAsync(keptTrials[0]));
    }
}
