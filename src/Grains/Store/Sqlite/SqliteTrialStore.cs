using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>
/// The embedded store: one SQLite file (by default ~/.aegrid/aegrid.db) in WAL mode, so readers never wait for the
/// writer. Safe from many threads: writes in this process queue on one gate, and each write is one BEGIN IMMEDIATE
/// transaction, which also serialises writers in other processes (they wait up to the busy timeout).
/// </summary>
public sealed partial class SqliteTrialStore : ITrialStore, IAsyncDisposable, IDisposable
{
    /// <summary>How long a write waits for another process's write lock before failing with "database is locked".</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly SqliteSessions _sessions;
    private readonly AttemptLedger _attempts;
    private readonly ILogger _logger;

    public SqliteTrialStore(string path, ILogger<SqliteTrialStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _logger = logger ?? NullLogger<SqliteTrialStore>.Instance;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
        _sessions = new SqliteSessions(_connectionString, BusyTimeout);
        _attempts = new AttemptLedger(_sessions);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override string ToString() => $"sqlite:{Path}";

    public void Dispose() => _sessions.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    // ------------------------------------------------------------------ schema

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        using (var connection = Open())
        {
            // Persistent in the file; must run outside a transaction.
            using var wal = Command(connection, null, "PRAGMA journal_mode = WAL;");
            wal.ExecuteNonQuery();
        }

        var applied = await WriteAsync((connection, tx) =>
        {
            Exec(connection, tx, SqliteSchema.CreateVersionTable);
            var done = new HashSet<int>();
            using (var reader = Command(connection, tx, "SELECT version FROM schema_version").ExecuteReader())
                while (reader.Read()) done.Add(reader.GetInt32(0));

            var newest = SqliteSchema.Migrations[^1].Version;
            if (done.Count > 0 && done.Max() > newest)
                throw new InvalidOperationException(
                    $"the store {Path} has schema version {done.Max()}, newer than this AeGrid knows ({newest}): upgrade AeGrid");

            var appliedNow = new List<SchemaMigration>();
            foreach (var migration in SqliteSchema.Migrations.Where(m => !done.Contains(m.Version)))
            {
                Exec(connection, tx, migration.Sql);
                Exec(connection, tx, "INSERT INTO schema_version (version, description, applied_at) VALUES ($v, $d, $at)",
                    ("$v", migration.Version), ("$d", migration.Description), ("$at", Now()));
                appliedNow.Add(migration);
            }
            return appliedNow;
        }, ct).ConfigureAwait(false);

        foreach (var migration in applied) LogMigrationApplied(_logger, Path, migration.Version, migration.Description);
    }

    // ------------------------------------------------------------------ sweeps

    public Task CreateSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        StoreChecks.TrialsBelongTo(sweep.Id, trials);
        return WriteAsync((connection, tx) =>
        {
            InsertSweep(connection, tx, sweep, trials);
            return 0;
        }, ct);
    }

    /// <summary>The sweep row and its trials; the caller's transaction may add more (a fork's warm start).</summary>
    private void InsertSweep(SqliteConnection connection, SqliteTransaction tx, SweepRecord sweep, IReadOnlyList<TrialConfig> trials)
    {
        if (Scalar(connection, tx, "SELECT 1 FROM sweeps WHERE id = $id", ("$id", sweep.Id)) is not null)
            throw new InvalidOperationException($"a sweep with id '{sweep.Id}' already exists");
        if (sweep.State == SweepState.Running)
            ThrowIfRunningNameTaken(connection, tx, sweep.Name, exceptId: null);

        Exec(connection, tx, """
            INSERT INTO sweeps (id, name, state, spec_text, metric, maximize, created_at, finished_at, device,
                                forked_from_sweep, forked_from_trial)
            VALUES ($id, $name, $state, $spec, $metric, $maximize, $created, $finished, $device, $forkedSweep, $forkedTrial)
            """, ("$device", sweep.Device.ToWire()),
            ("$id", sweep.Id), ("$name", sweep.Name), ("$state", sweep.State.ToWire()), ("$spec", sweep.SpecText),
            ("$metric", sweep.Metric), ("$maximize", sweep.Maximize), ("$created", StoreWire.ToSqliteTime(sweep.CreatedAt)),
            ("$finished", sweep.FinishedAt is { } f ? StoreWire.ToSqliteTime(f) : null),
            ("$forkedSweep", sweep.ForkedFrom?.SweepId), ("$forkedTrial", sweep.ForkedFrom?.TrialId));
        InsertTrials(connection, tx, trials);
    }

    public Task<SweepRecord?> GetSweepAsync(string sweepId, CancellationToken ct = default) =>
        ReadAsync(connection =>
        {
            using var reader = Command(connection, null, $"{SelectSweep} WHERE id = $id", ("$id", sweepId)).ExecuteReader();
            return reader.Read() ? ReadSweep(reader) : null;
        }, ct);

    public Task<IReadOnlyList<SweepRecord>> ListSweepsAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<SweepRecord>>(connection =>
        {
            using var reader = Command(connection, null, $"{SelectSweep} ORDER BY created_at, id").ExecuteReader();
            var sweeps = new List<SweepRecord>();
            while (reader.Read()) sweeps.Add(ReadSweep(reader));
            return sweeps;
        }, ct);

    public Task SetSweepStateAsync(string sweepId, SweepState state, CancellationToken ct = default) =>
        WriteAsync((connection, tx) =>
        {
            var name = Scalar(connection, tx, "SELECT name FROM sweeps WHERE id = $id", ("$id", sweepId)) as string
                       ?? throw StoreChecks.NoSweep(sweepId);
            if (state == SweepState.Running) ThrowIfRunningNameTaken(connection, tx, name, exceptId: sweepId);
            // Setting the state it already has keeps its finished_at: the write is idempotent.
            Exec(connection, tx, """
                UPDATE sweeps SET finished_at = CASE WHEN state = $state THEN finished_at ELSE $finished END, state = $state
                WHERE id = $id
                """,
                ("$id", sweepId), ("$state", state.ToWire()),
                ("$finished", state == SweepState.Running ? null : Now()));
            return 0;
        }, ct);

    public Task AddTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default)
    {
        StoreChecks.TrialsBelongTo(sweepId, trials);
        return WriteAsync((connection, tx) =>
        {
            if (Scalar(connection, tx, "SELECT 1 FROM sweeps WHERE id = $id", ("$id", sweepId)) is null)
                throw StoreChecks.NoSweep(sweepId);
            InsertTrials(connection, tx, trials);
            return 0;
        }, ct);
    }

    // ------------------------------------------------------------------ trials

    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<TrialRecord>>(connection =>
        {
            using var reader = Command(connection, null, $"{SelectTrial} WHERE sweep_id = $id ORDER BY number", ("$id", sweepId)).ExecuteReader();
            var trials = new List<TrialRecord>();
            while (reader.Read()) trials.Add(ReadTrial(reader));
            return trials;
        }, ct);

    public Task<TrialRecord?> GetTrialAsync(string trialId, CancellationToken ct = default) =>
        ReadAsync(connection =>
        {
            using var reader = Command(connection, null, $"{SelectTrial} WHERE id = $id", ("$id", trialId)).ExecuteReader();
            return reader.Read() ? ReadTrial(reader) : null;
        }, ct);

    public Task SetTrialStatusAsync(string trialId, TrialStatus status, string? error, CancellationToken ct = default) =>
        WriteAsync((connection, tx) =>
        {
            var changed = Exec(connection, tx, """
                UPDATE trials SET status = $status, error = $error,
                    finished_at = CASE WHEN $final THEN coalesce(CASE WHEN status = $status THEN finished_at END, $now) END,
                    finish_seq = CASE WHEN $final THEN finish_seq END
                WHERE id = $id
                """,
                ("$id", trialId), ("$status", status.ToWire()), ("$error", error), ("$final", status.IsFinal()), ("$now", Now()));
            if (changed == 0) throw StoreChecks.NoTrial(trialId);
            return 0;
        }, ct);

    public Task SetKeptAsync(string sweepId, IReadOnlyCollection<string> keptTrialIds, CancellationToken ct = default) =>
        WriteAsync((connection, tx) =>
        {
            if (Scalar(connection, tx, "SELECT 1 FROM sweeps WHERE id = $id", ("$id", sweepId)) is null)
                throw StoreChecks.NoSweep(sweepId);
            Exec(connection, tx, "UPDATE trials SET kept = 0 WHERE sweep_id = $sweep AND kept = 1", ("$sweep", sweepId));
            using var keep = Command(connection, tx, "UPDATE trials SET kept = 1 WHERE sweep_id = $sweep AND id = $id",
                ("$sweep", sweepId), ("$id", ""));
            foreach (var trialId in keptTrialIds.Distinct())
            {
                keep.Parameters["$id"].Value = trialId;
                if (keep.ExecuteNonQuery() == 0)
                    throw new ArgumentException($"trial '{trialId}' is not in sweep '{sweepId}'", nameof(keptTrialIds));
            }
            return 0;
        }, ct);
}
