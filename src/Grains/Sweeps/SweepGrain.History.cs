using System.Collections.Immutable;
using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// Reads for reports (`aegrid report SWEEP`, `aegrid trial show`): straight from the store, touching no field of the grain,
/// which is what lets them interleave with the scheduler. Deleting the sweep lives here too: it ends the grain's life.
/// </summary>
public sealed partial class SweepGrain
{
    public async Task<TrialEpochHistory> GetTrialHistory(string trialId)
    {
        var trial = await TrialOfThisSweepAsync(trialId);
        var epochs = await store.GetEpochsAsync(trialId);
        var attempts = await store.GetAttemptsAsync(trialId);
        var redone = await store.CountRedoneEpochsOfTrialAsync(trialId);
        var origin = (await store.GetSweepAsync(SweepId))?.ForkedFrom;
        return new TrialEpochHistory(trial.TrialId, trial.Status, trial.Parameters, [.. epochs],
            [.. attempts.Select(a => new AttemptSummary(a.Attempt, a.Silo, a.StartedAt, a.EndedAt, a.Outcome))], redone, origin)
        {
            Exploits = [.. (await LineageAsync())[trialId]],
        };
    }

    public async Task<TrialWeights?> GetTrialWeights(string trialId)
    {
        var trial = await TrialOfThisSweepAsync(trialId);
        if (await store.GetModelAsync(trialId) is { } model)
            return new TrialWeights(trialId, trial.Parameters, IsCheckpoint: false, trial.EpochsCompleted, 0, model.Weights);
        return await store.LoadCheckpointAsync(trialId) is { } checkpoint
            ? new TrialWeights(trialId, trial.Parameters, IsCheckpoint: true, checkpoint.Epoch, checkpoint.Batch, checkpoint.Bytes)
            : null;
    }

    public async Task<bool> Delete()
    {
        // The store decides, atomically: a sweep another process is running (a local `aegrid run`) reads running there too.
        var outcome = await store.DeleteSweepAsync(SweepId);
        if (outcome == SweepDeletion.Running) return false;
        if (outcome == SweepDeletion.NotFound) throw new AeGridRequestException($"unknown sweep {SweepId}");
        StopScheduler();
        try
        {
            await DropReminderAsync(); // finished sweeps dropped it already; this covers one that ended while a silo was down
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The rows are gone either way; a reminder left behind finds no sweep when it fires and changes nothing.
            LogReminderNotDropped(e, SweepId);
        }
        // Its view of rows that are gone must not answer the next call: the next activation finds no sweep and says so.
        DeactivateOnIdle();
        return true;
    }

    [LoggerMessage(LogLevel.Warning, "Sweep {SweepId} deleted, but its reminder could not be dropped")]
    partial void LogReminderNotDropped(Exception exception, string sweepId);

    async Task<TrialRecord> TrialOfThisSweepAsync(string trialId)
    {
        var trial = await store.GetTrialAsync(trialId);
        return trial is not null && trial.SweepId == SweepId
            ? trial
            : throw new AeGridRequestException($"unknown trial {trialId} in sweep {SweepId}");
    }
}
