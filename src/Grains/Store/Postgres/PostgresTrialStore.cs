using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>
/// The trial store on PostgreSQL, for clusters. One <see cref="NpgsqlDataSource"/> per process (pass the process's, or let
/// <see cref="Create"/> build one) and short-lived pooled connections (<see cref="PostgresSessions"/>). The rules are
/// <see cref="RelationalTrialStore"/>'s; this class brings the data source, the dialect's row locks and database clock
/// (<see cref="PostgresDialect"/>) and the schema (<see cref="PostgresSchema"/>, with Orleans' ADO.NET tables).
/// </summary>
public sealed partial class PostgresTrialStore : RelationalTrialStore, IAsyncDisposable, IDisposable
{
    private readonly ILogger _logger;
    private readonly bool _ownsDataSource;
    private readonly PostgresSessions _sessions;

    /// <summary>A store over the process's data source; the caller keeps owning (and disposes) it.</summary>
    public PostgresTrialStore(NpgsqlDataSource dataSource, ILogger<PostgresTrialStore>? logger = null)
        : this(dataSource, ownsDataSource: false, logger) { }

    private PostgresTrialStore(NpgsqlDataSource dataSource, bool ownsDataSource, ILogger? logger)
        : this(new PostgresSessions(dataSource ?? throw new ArgumentNullException(nameof(dataSource)),
            logger ?? NullLogger<PostgresTrialStore>.Instance), ownsDataSource) { }

    private PostgresTrialStore(PostgresSessions sessions, bool ownsDataSource) : base(sessions, sessions.Logger)
    {
        _sessions = sessions;
        DataSource = sessions.DataSource;
        _ownsDataSource = ownsDataSource;
        _logger = sessions.Logger;
    }

    /// <summary>How long PostgreSQL lets one of our sessions sit idle inside a transaction before it ends the session.</summary>
    public static readonly TimeSpan IdleInTransactionTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A store with its own data source, disposed with it. <paramref name="connectionString"/> may be an Npgsql
    /// key=value string or a postgres:// URL.
    /// </summary>
    public static PostgresTrialStore Create(string connectionString, ILoggerFactory? loggerFactory = null)
    {
        var builder = new NpgsqlDataSourceBuilder(NormaliseConnectionString(connectionString));
        // A process frozen (SIGSTOP) or starved between two statements of a transaction would hold its row locks for as
        // long as it stays frozen, and the sweep's recovery (expire its leases, abandon its silo) would wait on them. The
        // server ends such a session instead; our transactions are milliseconds long, and a write it cut short is rerun
        // by the resilient store (a lost connection is transient).
        builder.ConnectionStringBuilder.Options = string.Join(' ',
            new[] { builder.ConnectionStringBuilder.Options, $"-c idle_in_transaction_session_timeout={IdleInTransactionTimeout.TotalMilliseconds:0}" }
                .Where(o => !string.IsNullOrWhiteSpace(o)));
        if (loggerFactory is not null) builder.UseLoggerFactory(loggerFactory);
        return new PostgresTrialStore(builder.Build(), ownsDataSource: true, loggerFactory?.CreateLogger<PostgresTrialStore>());
    }

    /// <summary>An Npgsql key=value string from either accepted form; <see cref="FormatException"/> otherwise.</summary>
    public static string NormaliseConnectionString(string connectionString) =>
        StoreLocation.Parse(connectionString) is StoreLocation.Postgres postgres
            ? postgres.ConnectionString
            : throw new FormatException("expected a PostgreSQL connection string or postgres:// URL, not a SQLite path");

    /// <summary>The data source this store uses: hand it to other PostgreSQL users in the process (Orleans' ADO.NET providers).</summary>
    public NpgsqlDataSource DataSource { get; }

    public override string ToString() => $"postgres:{PostgresConnectionStrings.Redact(DataSource.ConnectionString)}";

    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource) await DataSource.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_ownsDataSource) DataSource.Dispose();
    }

    /// <summary>
    /// Applies pending migrations (schema_version) and rewrites the Orleans ADO.NET query texts, all in one transaction
    /// under an advisory lock: processes starting together take turns and the later ones find nothing to do.
    /// </summary>
    public override async Task MigrateAsync(CancellationToken ct = default)
    {
        var applied = await _sessions.WriteAsync(async s =>
        {
            var (connection, tx) = ((NpgsqlConnection)s.Connection, (NpgsqlTransaction)s.Transaction!);
            await PostgresSchema.LockMigrationsAsync(connection, tx, ct).ConfigureAwait(false);
            // A migration that skips a step it lacks the privilege for (the reader role) says so in a warning.
            // (Notices, such as "already exists, skipping", are not worth a line.)
            connection.Notice += (_, e) => { if (e.Notice.Severity == "WARNING") LogMigrationWarning(_logger, e.Notice.MessageText); };
            var appliedNow = await SchemaMigrator.ApplyAsync(s, PostgresSchema.CreateVersionTable, PostgresSchema.Migrations, ToString(), ct)
                .ConfigureAwait(false);
            // Query texts are code, not history: this build's texts replace whatever an older build wrote.
            await OrleansAdoNetSchema.ApplyAsync(connection, tx, ct).ConfigureAwait(false);
            return appliedNow;
        }, ct).ConfigureAwait(false);

        foreach (var migration in applied) LogMigrationApplied(_logger, migration.Version, migration.Description);
    }
}
