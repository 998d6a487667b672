using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// `aegrid sweep fork`: a new sweep warm-started from a finished trial. Everything is read from the store, never from a
/// live grain, and the source's weights are copied into the new sweep's warm start, so the fork outlives its source.
/// </summary>
public sealed partial class SweepDirectoryGrain
{
    public async Task<SweepForkResult> Fork(string sourceSweepId, string? fromTrialId, string specText, string sourceName)
    {
        sourceName = CleanSourceName(sourceName);
        if (specText is null) throw new AeGridRequestException($"{sourceName}: no sweep file text was sent");
        if (string.IsNullOrWhiteSpace(sourceSweepId)) throw new AeGridRequestException("fork: no source sweep id was sent");
        var source = await store.GetSweepAsync(sourceSweepId) ?? throw new AeGridRequestException($"unknown sweep {sourceSweepId}");

        TrialRecord trial;
        if (fromTrialId is null)
        {
            if (await BestTrialAsync(source) is not { } best)
                return source.State == SweepState.Running
                    ? new SweepForkResult(null, null, $"sweep {source.Id} has no completed trial yet; wait for one, or name a trial with --from")
                    : throw new AeGridRequestException($"sweep {source.Id} has no completed trial to fork from; name a pruned one with --from");
            trial = best;
        }
        else
        {
            trial = await store.GetTrialAsync(fromTrialId) ?? throw new AeGridRequestException($"unknown trial {fromTrialId}");
            if (trial.SweepId != source.Id)
                throw new AeGridRequestException($"trial {trial.TrialId} belongs to sweep {trial.SweepId}, not {source.Id}");
        }
        var origin = new SweepOrigin(source.Id, trial.TrialId);
        if (trial.Status is TrialStatus.Pending or TrialStatus.Running)
            return new SweepForkResult(null, origin,
                $"trial {trial.TrialId} is still {trial.Status.ToWire()}; fork it once it has finished, or name a finished one with --from");
        if (trial.Status is not (TrialStatus.Completed or TrialStatus.Pruned))
            throw new AeGridRequestException(
                $"trial {trial.TrialId} ended {trial.Status.ToWire()}; a fork starts from a completed or pruned trial's weights");
        var weights = await WeightsOfAsync(trial)
            ?? throw new AeGridRequestException($"trial {trial.TrialId} has no stored weights (neither a checkpoint nor a kept model) to fork from");

        SweepSpec spec;
        string text;
        try
        {
            (text, spec) = ForkSpec.Compose(specText, sourceName,
                new ForkSpec.Source(source.Name, source.Metric, source.Maximize, trial.TrialId, trial.Parameters), datasetAccess.Value.Roots());
        }
        catch (SweepSpecException e)
        {
            throw new AeGridRequestException(e.Message);
        }
        return new SweepForkResult(await CreateAndStartAsync(spec, text, origin, weights), origin, null);
    }

    /// <summary>The leaderboard's first: the best completed trial by the sweep's own metric.</summary>
    private async Task<TrialRecord?> BestTrialAsync(SweepRecord sweep)
    {
        var completed = new List<(TrialRecord, IReadOnlyList<EpochReport>)>();
        foreach (var trial in (await store.GetTrialsAsync(sweep.Id)).Where(t => t.Status == TrialStatus.Completed))
            completed.Add((trial, await store.GetEpochsAsync(trial.TrialId)));
        var best = Leaderboard.Rank(completed, sweep.Metric, sweep.Maximize, 1);
        return best.IsEmpty ? null : completed.First(c => c.Item1.TrialId == best[0].TrialId).Item1;
    }

    /// <summary>The trial's kept model, else the model in its last checkpoint (TorchSharp's module format), with its epochs.</summary>
    private async Task<(int Epoch, byte[] Weights)?> WeightsOfAsync(TrialRecord trial)
    {
        if (await store.GetModelAsync(trial.TrialId) is { } model) return (trial.EpochsCompleted, model.Weights);
        if (await store.LoadCheckpointAsync(trial.TrialId) is not { } checkpoint) return null;
        var config = trial.Parameters.WithDefaults();
        try
        {
            // Rebuilding the model to check the weights is CPU work: keep it off the grain scheduler.
            var weights = await Task.Run(() =>
                ModelFiles.WeightsFromCheckpoint(config, new Checkpoint(checkpoint.Epoch, checkpoint.Batch, checkpoint.Bytes)));
            return (checkpoint.Epoch, weights);
        }
        catch (CheckpointFormatException e)
        {
            throw new AeGridRequestException($"trial {trial.TrialId}'s checkpoint cannot be forked from: {e.Message}");
        }
    }
}
