using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

public sealed partial class PostgresTrialStore
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Trial store: applied schema migration {Version} ({Description})")]
    private static partial void LogMigrationApplied(ILogger logger, int version, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial store migration: PostgreSQL warns: {Message}")]
    private static partial void LogMigrationWarning(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Count} epoch rows from attempts that are no longer current (fenced out)")]
    private static partial void LogFencedEpochsDropped(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Trial store write aborted by PostgreSQL ({SqlState}), try {Try}; running it again")]
    private static partial void LogConflictRetry(ILogger logger, string sqlState, int @try);
}
