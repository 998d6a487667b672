using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

public sealed partial class EpochWriter
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Epoch buffer full ({Capacity} rows waiting for the store): training of {TrialId} and others now waits until rows are written")]
    private static partial void LogBufferFull(ILogger logger, int capacity, string trialId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch buffer has room again ({Count} rows waiting)")]
    private static partial void LogBufferDrained(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Epoch writer shut down with {Count} rows NOT stored, of trials: {TrialIds}")]
    private static partial void LogRowsNotStored(ILogger logger, int count, string trialIds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Epoch writer stopped unexpectedly")]
    private static partial void LogWriterCrashed(ILogger logger, Exception exception);
}
