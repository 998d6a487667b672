using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Sweeps;

/// <summary>Turns a finished trial's last checkpoint into kept model weights (TorchSharp's module format) in the store.</summary>
public sealed class ModelKeeper(ITrialStore store)
{
    public async Task<bool> KeepAsync(TrialConfig trial)
    {
        var checkpoint = await store.LoadCheckpointAsync(trial.TrialId);
        if (checkpoint is null) return false;
        var config = trial.Parameters.WithDefaults();
        // Rebuilding the model is CPU work: keep it off the grain scheduler.
        var weights = await Task.Run(() =>
            ModelFiles.WeightsFromCheckpoint(config, new Checkpoint(checkpoint.Epoch, checkpoint.Batch, checkpoint.Bytes)));
        await store.SaveModelAsync(new StoredModel(trial.TrialId, weights, DateTimeOffset.UtcNow));
        return true;
    }
}
