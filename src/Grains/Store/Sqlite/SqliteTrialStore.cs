using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>
/// The embedded store: one SQLite file (by default ~/.aegrid/aegrid.db) in WAL mode, so readers never wait for the
/// writer. Safe from many threads: writes in this process queue on one gate, and each write is one BEGIN IMMEDIATE
/// transaction, which also serialises writers in other processes (they wait up to the busy timeout). The rules are
/// <see cref="RelationalTrialStore"/>'s; this class brings the file, its connections (<see cref="SqliteSessions"/>) and
/// its schema (<see cref="SqliteSchema"/>).
/// </summary>
public sealed partial class SqliteTrialStore : RelationalTrialStore, IAsyncDisposable, IDisposable
{
    /// <summary>How long a write waits for another process's write lock before failing with "database is locked".</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly SqliteSessions _sessions;
    private readonly ILogger _logger;

    public SqliteTrialStore(string path, ILogger<SqliteTrialStore>? logger = null) : this(FullPath(path), (ILogger?)logger) { }

    private SqliteTrialStore(string fullPath, ILogger? logger) : this(new SqliteSessions(ConnectionString(fullPath), BusyTimeout), fullPath, logger) { }

    private SqliteTrialStore(SqliteSessions sessions, string fullPath, ILogger? logger)
        : base(sessions, logger ?? NullLogger<SqliteTrialStore>.Instance)
    {
        Path = fullPath;
        _sessions = sessions;
        _logger = logger ?? NullLogger<SqliteTrialStore>.Instance;
    }

    private static string FullPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return System.IO.Path.GetFullPath(path);
    }

    private static string ConnectionString(string fullPath) => new SqliteConnectionStringBuilder
    {
        DataSource = fullPath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        ForeignKeys = true,
        DefaultTimeout = (int)BusyTimeout.TotalSeconds,
    }.ToString();

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override string ToString() => $"sqlite:{Path}";

    public void Dispose() => _sessions.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public override async Task MigrateAsync(CancellationToken ct = default)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        using (var connection = _sessions.Open())
        {
            // Persistent in the file; must run outside a transaction.
            using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }

        var applied = await _sessions.WriteAsync(s => SchemaMigrator.ApplyAsync(s, SqliteSchema.CreateVersionTable, SqliteSchema.Migrations, Path, ct), ct)
            .ConfigureAwait(false);
        foreach (var migration in applied) LogMigrationApplied(_logger, Path, migration.Version, migration.Description);
    }
}
