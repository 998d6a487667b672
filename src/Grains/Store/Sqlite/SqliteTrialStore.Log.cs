using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

public sealed partial class SqliteTrialStore
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Store {Path}: applied schema migration {Version} ({Description})")]
    private static partial void LogMigrationApplied(ILogger logger, string path, int version, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Count} epoch rows from attempts that are no longer current (fenced out)")]
    private static partial void LogFencedEpochsDropped(ILogger logger, int count);
}
