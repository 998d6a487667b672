using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

public sealed partial class SqliteTrialStore
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Store {Path}: applied schema migration {Version} ({Description})")]
    private static partial void LogMigrationApplied(ILogger logger, string path, int version, string description);
}
