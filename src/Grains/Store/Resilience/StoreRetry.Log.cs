using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

internal sealed partial class StoreRetry
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Store call {Operation} failed ({Reason}); retrying with backoff until the store is back")]
    private static partial void LogFailing(ILogger logger, Exception? exception, string operation, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Store call {Operation}: failure {Failures}, next try in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string operation, int failures, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store reachable again: {Operation} succeeded after {Failures} failed tries over {Seconds:F1} s")]
    private static partial void LogRecovered(ILogger logger, string operation, int failures, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Store call {Operation} gave up after {Failures} retries over {Seconds:F1} s")]
    private static partial void LogGaveUp(ILogger logger, string operation, int failures, double seconds);
}
