using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

public sealed partial class CheckpointWriter
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Saving the checkpoint of {TrialId} (epoch {Epoch}) failed ({Reason}); keeping it and retrying with backoff until the store is back")]
    private static partial void LogStoreFailing(ILogger logger, Exception exception, string trialId, int epoch, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store reachable again: saved the checkpoint of {TrialId} after {Failures} failed tries")]
    private static partial void LogStoreRecovered(ILogger logger, string trialId, int failures);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Checkpoint of {TrialId} from attempt {Attempt} refused: that attempt is no longer the trial's current one (fenced out)")]
    private static partial void LogFencedOut(ILogger logger, string trialId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checkpoint writer shut down with {Count} checkpoints NOT saved, of trials: {TrialIds}")]
    private static partial void LogCheckpointsNotSaved(ILogger logger, int count, string trialIds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Checkpoint writer stopped unexpectedly")]
    private static partial void LogWriterCrashed(ILogger logger, Exception exception);
}
