using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

public sealed partial class PostgresTrialStore
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Trial store: applied schema migration {Version} ({Description})")]
    private static partial void LogMigrationApplied(ILogger logger, int version, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial store migration: PostgreSQL warns: {Message}")]
    private static partial void LogMigrationWarning(ILogger logger, string message);
}
