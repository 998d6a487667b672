using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

public sealed partial class EpochWriter
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Epoch buffer full ({Capacity} rows waiting for the store): training of {TrialId} and others now waits until rows are written")]
    private static partial void LogBufferFull(ILogger logger, int capacity, string trialId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch buffer has room again ({Count} rows waiting)")]
    private static partial void LogBufferDrained(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Writing {Count} epoch rows failed ({Reason}); keeping them and retrying with backoff until the store is back")]
    private static partial void LogStoreFailing(ILogger logger, Exception exception, int count, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Epoch write failure {Failures}; next try in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, int failures, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store reachable again: wrote {Count} epoch rows after {Failures} failed tries over {Seconds:F1} s")]
    private static partial void LogStoreRecovered(ILogger logger, int count, int failures, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Epoch writer shut down with {Count} rows NOT stored, of trials: {TrialIds}")]
    private static partial void LogRowsNotStored(ILogger logger, int count, string trialIds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Epoch writer stopped unexpectedly")]
    private static partial void LogWriterCrashed(ILogger logger, Exception exception);
}
