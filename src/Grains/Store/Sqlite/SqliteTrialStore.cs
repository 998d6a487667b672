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
    private readonly SemaphoreSlim _writeGate = new(1, 1);
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
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override string ToString() => $"sqlite:{Path}";

    public void Dispose()
    {
        _writeGate.Dispose();
        // Pooled connections keep the file (and its -wal/-shm companions) open; let the file go with the store.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

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
            if (Scalar(connection, tx, "SELECT 1 FROM sweeps WHERE id = $id", ("$id", sweep.Id)) is not null)
                throw new InvalidOperationException($"a sweep with id '{sweep.Id}' already exists");
            if (sweep.State == SweepState.Running)
                ThrowIfRunningNameTaken(connection, tx, sweep.Name, exceptId: null);

            Exec(connection, tx, """
                INSERT INTO sweeps (id, name, state, spec_text, metric, maximize, created_at, finished_at, device)
                VALUES ($id, $name, $state, $spec, $metric, $maximize, $created, $finished, $device)
                """, ("$device", sweep.Device.ToWire()),
                ("$id", sweep.Id), ("$name", sweep.Name), ("$state", sweep.State.ToWire()), ("$spec", sweep.SpecText),
                ("$metric", sweep.Metric), ("$maximize", sweep.Maximize), ("$created", StoreWire.ToSqliteTime(sweep.CreatedAt)),
                ("$finished", sweep.FinishedAt is { } f ? StoreWire.ToSqliteTime(f) : null));
            InsertTrials(connection, tx, trials);
            return 0;
        }, ct);
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
                    finished_at = CASE WHEN $final THEN coalesce(CASE WHEN status = $status THEN finished_at END, $now) END
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

    // ------------------------------------------------------------------ attempts

    public Task<int?> BeginAttemptAsync(string trialId, string silo, TimeSpan lease, CancellationToken ct = default)
    {
        StoreChecks.PositiveLease(lease);
        return WriteAsync<int?>((connection, tx) =>
        {
            if (Scalar(connection, tx, "SELECT slots FROM silos WHERE silo = $silo", ("$silo", silo)) is not long slots)
                return null; // an unregistered silo has no slots

            string status;
            int attempts;
            using (var reader = Command(connection, tx, "SELECT status, attempts FROM trials WHERE id = $id", ("$id", trialId)).ExecuteReader())
            {
                if (!reader.Read()) throw StoreChecks.NoTrial(trialId);
                status = reader.GetString(0);
                attempts = reader.GetInt32(1);
            }
            if (TrialStatusExtensions.ParseTrialStatus(status).IsFinal()) return null;

            var now = Now();
            var expired = Exec(connection, tx, $"""
                UPDATE trial_attempts SET ended_at = $now, outcome = '{AttemptOutcomes.Expired}'
                WHERE trial_id = $id AND ended_at IS NULL AND lease_until <= $now
                """, ("$id", trialId), ("$now", now));
            if (expired > 0)
                Exec(connection, tx, "UPDATE trials SET status = 'pending' WHERE id = $id AND status = 'running'", ("$id", trialId));

            var stillOpen = (long)Scalar(connection, tx, "SELECT count(*) FROM trial_attempts WHERE trial_id = $id AND ended_at IS NULL",
                ("$id", trialId))!;
            if (stillOpen > 0) return null;

            var used = (long)Scalar(connection, tx,
                "SELECT count(*) FROM trial_attempts WHERE silo = $silo AND ended_at IS NULL AND lease_until > $now",
                ("$silo", silo), ("$now", now))!;
            if (used >= slots) return null;

            var attempt = attempts + 1;
            Exec(connection, tx, """
                INSERT INTO trial_attempts (trial_id, attempt, silo, started_at, lease_until) VALUES ($id, $attempt, $silo, $now, $until)
                """,
                ("$id", trialId), ("$attempt", attempt), ("$silo", silo), ("$now", now), ("$until", Now(lease)));
            Exec(connection, tx, """
                UPDATE trials SET status = 'running', silo = $silo, attempts = $attempt, error = NULL, finished_at = NULL,
                    started_at = coalesce(started_at, $now)
                WHERE id = $id
                """, ("$id", trialId), ("$attempt", attempt), ("$silo", silo), ("$now", now));
            return attempt;
        }, ct);
    }

    public Task<bool> RenewLeaseAsync(string trialId, int attempt, TimeSpan lease, CancellationToken ct = default)
    {
        StoreChecks.PositiveLease(lease);
        return WriteAsync((connection, tx) => Exec(connection, tx, """
            UPDATE trial_attempts SET lease_until = $until
            WHERE trial_id = $id AND attempt = $attempt AND ended_at IS NULL
              AND attempt = (SELECT attempts FROM trials WHERE id = $id AND status = 'running')
            """, ("$id", trialId), ("$attempt", attempt), ("$until", Now(lease))) == 1, ct);
    }

    public Task<bool> EndAttemptAsync(string trialId, int attempt, TrialStatus status, string? error, string? outcome = null,
        CancellationToken ct = default) =>
        WriteAsync((connection, tx) =>
        {
            var current = Scalar(connection, tx, "SELECT attempts FROM trials WHERE id = $id", ("$id", trialId))
                          ?? throw StoreChecks.NoTrial(trialId);
            if (Convert.ToInt32(current) != attempt) return false;

            var ending = outcome ?? status.ToWire();
            using (var reader = Command(connection, tx, "SELECT ended_at, outcome FROM trial_attempts WHERE trial_id = $id AND attempt = $attempt",
                       ("$id", trialId), ("$attempt", attempt)).ExecuteReader())
            {
                if (!reader.Read()) return false;
                if (!reader.IsDBNull(0))
                    // Already closed: a retried call that had succeeded is still a success; anything else was fenced out.
                    return !reader.IsDBNull(1) && reader.GetString(1) == ending;
            }

            var now = Now();
            Exec(connection, tx, "UPDATE trial_attempts SET ended_at = $now, outcome = $outcome WHERE trial_id = $id AND attempt = $attempt",
                ("$id", trialId), ("$attempt", attempt), ("$now", now), ("$outcome", ending));
            // $replaces: whether this ending replaces a cancel the sweep made while the attempt ran (TrialStatusRules).
            Exec(connection, tx, "UPDATE trials SET status = $status, error = $error, finished_at = $finished WHERE id = $id AND (status <> 'cancelled' OR $replaces)",
                ("$id", trialId), ("$status", status.ToWire()), ("$error", error), ("$finished", status.IsFinal() ? now : null),
                ("$replaces", TrialStatusRules.EndingReplacesCancel(status)));
            return true;
        }, ct);

    public Task<IReadOnlyList<string>> AbandonAttemptsOfSiloAsync(string silo, CancellationToken ct = default) =>
        WriteAsync<IReadOnlyList<string>>((connection, tx) =>
        {
            var open = new List<(string TrialId, int Attempt)>();
            using (var reader = Command(connection, tx, "SELECT trial_id, attempt FROM trial_attempts WHERE silo = $silo AND ended_at IS NULL ORDER BY trial_id",
                       ("$silo", silo)).ExecuteReader())
                while (reader.Read()) open.Add((reader.GetString(0), reader.GetInt32(1)));

            var now = Now();
            Exec(connection, tx, $"UPDATE trial_attempts SET ended_at = $now, outcome = '{AttemptOutcomes.SiloDead}' WHERE silo = $silo AND ended_at IS NULL",
                ("$silo", silo), ("$now", now));

            var requeued = new List<string>();
            using var toPending = Command(connection, tx,
                "UPDATE trials SET status = 'pending' WHERE id = $id AND attempts = $attempt AND status = 'running'",
                ("$id", ""), ("$attempt", 0));
            foreach (var (trialId, attempt) in open)
            {
                toPending.Parameters["$id"].Value = trialId;
                toPending.Parameters["$attempt"].Value = attempt;
                if (toPending.ExecuteNonQuery() == 1) requeued.Add(trialId);
            }
            return requeued;
        }, ct);

    public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string trialId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<AttemptRecord>>(connection =>
        {
            using var reader = Command(connection, null, """
                SELECT trial_id, attempt, silo, started_at, ended_at, lease_until, outcome, first_batch_at
                FROM trial_attempts WHERE trial_id = $id ORDER BY attempt
                """, ("$id", trialId)).ExecuteReader();
            var attempts = new List<AttemptRecord>();
            while (reader.Read())
                attempts.Add(new AttemptRecord(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), Time(reader, 3),
                    NullableTime(reader, 4), Time(reader, 5), reader.IsDBNull(6) ? null : reader.GetString(6), NullableTime(reader, 7)));
            return attempts;
        }, ct);

    public Task RecordFirstBatchAsync(string trialId, int attempt, CancellationToken ct = default) =>
        WriteAsync((connection, tx) =>
        {
            var writers = CurrentWriters(connection, tx, [trialId]);
            if (attempt <= 0 || writers.GetValueOrDefault(trialId) != attempt)
            {
                // Fenced out (ignored, like its epoch rows), or no such trial (an error, as for other writes).
                if (Scalar(connection, tx, "SELECT 1 FROM trials WHERE id = $id", ("$id", trialId)) is null) throw StoreChecks.NoTrial(trialId);
                return 0;
            }
            return Exec(connection, tx, """
                UPDATE trial_attempts SET first_batch_at = $now WHERE trial_id = $id AND attempt = $attempt AND first_batch_at IS NULL
                """, ("$id", trialId), ("$attempt", attempt), ("$now", Now()));
        }, ct);

    public Task RegisterSiloAsync(string silo, string deviceKind, int slots, CancellationToken ct = default)
    {
        StoreChecks.SiloRegistration(silo, deviceKind, slots);
        return WriteAsync((connection, tx) => Exec(connection, tx, """
            INSERT INTO silos (silo, device_kind, slots, registered_at) VALUES ($silo, $kind, $slots, $now)
            ON CONFLICT (silo) DO UPDATE SET device_kind = excluded.device_kind, slots = excluded.slots, registered_at = excluded.registered_at
            """, ("$silo", silo), ("$kind", deviceKind), ("$slots", slots), ("$now", Now())), ct);
    }

    public Task UnregisterSiloAsync(string silo, CancellationToken ct = default) =>
        WriteAsync((connection, tx) => Exec(connection, tx, "DELETE FROM silos WHERE silo = $silo", ("$silo", silo)), ct);

    public Task<IReadOnlyList<SiloSlots>> GetSlotLedgerAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<SiloSlots>>(connection =>
        {
            using var reader = Command(connection, null, """
                SELECT s.silo, s.device_kind, s.slots, count(a.trial_id)
                FROM silos s
                LEFT JOIN trial_attempts a ON a.silo = s.silo AND a.ended_at IS NULL AND a.lease_until > $now
                GROUP BY s.silo, s.device_kind, s.slots
                ORDER BY s.silo
                """, ("$now", Now())).ExecuteReader();
            var ledger = new List<SiloSlots>();
            while (reader.Read())
                ledger.Add(new SiloSlots(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
            return ledger;
        }, ct);

    // ------------------------------------------------------------------ epochs

    public Task<int> WriteEpochsAsync(IReadOnlyList<EpochReport> epochs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        var rows = StoreChecks.LastPerTrialAndEpoch(epochs);
        if (rows.Count == 0) return Task.FromResult(0);

        return WriteAsync((connection, tx) =>
        {
            var writers = CurrentWriters(connection, tx, rows.Select(r => r.TrialId).Distinct());
            using var upsert = Command(connection, tx, UpsertEpoch,
                [.. EpochColumns.Select(c => ("$" + c, (object?)null)), ("$written_at", Now())]);
            upsert.Prepare();
            var written = 0;
            var touched = new HashSet<string>();
            foreach (var row in rows)
            {
                if (writers.GetValueOrDefault(row.TrialId) != row.Attempt || row.Attempt <= 0) continue; // fenced out
                BindEpoch(upsert, row);
                written += upsert.ExecuteNonQuery();
                touched.Add(row.TrialId);
            }

            using var progress = Command(connection, tx,
                "UPDATE trials SET epochs_completed = (SELECT max(epoch) FROM epoch_metrics WHERE trial_id = $id) WHERE id = $id",
                ("$id", ""));
            foreach (var trialId in touched)
            {
                progress.Parameters["$id"].Value = trialId;
                progress.ExecuteNonQuery();
            }
            if (written < rows.Count) LogFencedEpochsDropped(_logger, rows.Count - written);
            return written;
        }, ct);
    }

    public Task<int> CountRedoneEpochsAsync(string sweepId, CancellationToken ct = default) =>
        ReadAsync(connection => Convert.ToInt32(Command(connection, null, """
            SELECT coalesce(sum(e.write_count - 1), 0) FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id
            WHERE t.sweep_id = $sweep
            """, ("$sweep", sweepId)).ExecuteScalar()), ct);

    public Task<IReadOnlyList<EpochReport>> GetEpochsAsync(string trialId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<EpochReport>>(connection =>
        {
            using var reader = Command(connection, null,
                $"SELECT {string.Join(", ", EpochColumns)} FROM epoch_metrics WHERE trial_id = $id ORDER BY epoch", ("$id", trialId)).ExecuteReader();
            var epochs = new List<EpochReport>();
            while (reader.Read())
                epochs.Add(new EpochReport
                {
                    TrialId = reader.GetString(0),
                    Epoch = reader.GetInt32(1),
                    Attempt = reader.GetInt32(2),
                    TrainMse = Metric(reader, 3)!.Value,
                    TestMse = Metric(reader, 4)!.Value,
                    TestPsnr = Metric(reader, 5),
                    NoisyInputMse = Metric(reader, 6),
                    NoisyInputPsnr = Metric(reader, 7),
                    Nmi = Metric(reader, 8),
                    ClusterAccuracy = Metric(reader, 9),
                    BaselineNmi = Metric(reader, 10),
                    BaselineClusterAccuracy = Metric(reader, 11),
                    SamplesPerSecond = Metric(reader, 12)!.Value,
                    WallSeconds = Metric(reader, 13)!.Value,
                });
            return epochs;
        }, ct);

    // ------------------------------------------------------------------ checkpoints and models

    public Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return WriteAsync((connection, tx) =>
        {
            var writers = CurrentWriters(connection, tx, [checkpoint.TrialId]);
            if (checkpoint.Attempt <= 0 || writers.GetValueOrDefault(checkpoint.TrialId) != checkpoint.Attempt) return false;
            Exec(connection, tx, """
                INSERT INTO checkpoints (trial_id, attempt, epoch, batch, bytes, saved_at) VALUES ($id, $attempt, $epoch, $batch, $bytes, $now)
                ON CONFLICT (trial_id) DO UPDATE SET attempt = excluded.attempt, epoch = excluded.epoch, batch = excluded.batch,
                    bytes = excluded.bytes, saved_at = excluded.saved_at
                """, ("$id", checkpoint.TrialId), ("$attempt", checkpoint.Attempt), ("$epoch", checkpoint.Epoch),
                ("$batch", checkpoint.Batch), ("$bytes", checkpoint.Bytes), ("$now", Now()));
            return true;
        }, ct);
    }

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken ct = default) =>
        ReadAsync(connection =>
        {
            using var reader = Command(connection, null, "SELECT trial_id, attempt, epoch, batch, bytes FROM checkpoints WHERE trial_id = $id",
                ("$id", trialId)).ExecuteReader();
            return reader.Read()
                ? new StoredCheckpoint(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), (byte[])reader.GetValue(4))
                : null;
        }, ct);

    public Task SaveModelAsync(StoredModel model, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return WriteAsync((connection, tx) =>
        {
            if (Scalar(connection, tx, "SELECT 1 FROM trials WHERE id = $id", ("$id", model.TrialId)) is null)
                throw StoreChecks.NoTrial(model.TrialId);
            return Exec(connection, tx, """
                INSERT INTO models (trial_id, weights, created_at) VALUES ($id, $weights, $created)
                ON CONFLICT (trial_id) DO UPDATE SET weights = excluded.weights, created_at = excluded.created_at
                """, ("$id", model.TrialId), ("$weights", model.Weights), ("$created", StoreWire.ToSqliteTime(model.CreatedAt)));
        }, ct);
    }

    public Task<StoredModel?> GetModelAsync(string trialId, CancellationToken ct = default) =>
        ReadAsync(connection =>
        {
            using var reader = Command(connection, null, "SELECT trial_id, weights, created_at FROM models WHERE trial_id = $id",
                ("$id", trialId)).ExecuteReader();
            return reader.Read() ? new StoredModel(reader.GetString(0), (byte[])reader.GetValue(1), Time(reader, 2)) : null;
        }, ct);

    // ------------------------------------------------------------------ plumbing

    private const string SelectSweep = "SELECT id, name, state, spec_text, metric, maximize, created_at, finished_at, device FROM sweeps";

    private const string SelectTrial = """
        SELECT id, sweep_id, number, hyperparameters, status, attempts, silo, epochs_completed, error, kept,
               created_at, started_at, finished_at
        FROM trials
        """;

    private static readonly string[] EpochColumns =
    [
        "trial_id", "epoch", "attempt", "train_mse", "test_mse", "test_psnr", "noisy_input_mse", "noisy_input_psnr", "nmi",
        "cluster_accuracy", "baseline_nmi", "baseline_cluster_accuracy", "samples_per_second", "wall_seconds",
    ];

    private static readonly string UpsertEpoch = $"""
        INSERT INTO epoch_metrics ({string.Join(", ", EpochColumns)}, written_at)
        VALUES ({string.Join(", ", EpochColumns.Select(c => "$" + c))}, $written_at)
        ON CONFLICT (trial_id, epoch) DO UPDATE SET
            {string.Join(", ", EpochColumns.Skip(2).Append("written_at").Select(c => $"{c} = excluded.{c}"))},
            write_count = epoch_metrics.write_count + 1
        """;

    /// <summary>Binds a row to the upsert's parameters, which are in <see cref="EpochColumns"/> order.</summary>
    private static void BindEpoch(SqliteCommand command, EpochReport row)
    {
        var p = command.Parameters;
        p[0].Value = row.TrialId;
        p[1].Value = row.Epoch;
        p[2].Value = row.Attempt;
        p[3].Value = Real(row.TrainMse);
        p[4].Value = Real(row.TestMse);
        p[5].Value = Real(row.TestPsnr);
        p[6].Value = Real(row.NoisyInputMse);
        p[7].Value = Real(row.NoisyInputPsnr);
        p[8].Value = Real(row.Nmi);
        p[9].Value = Real(row.ClusterAccuracy);
        p[10].Value = Real(row.BaselineNmi);
        p[11].Value = Real(row.BaselineClusterAccuracy);
        p[12].Value = Real(row.SamplesPerSecond);
        p[13].Value = Real(row.WallSeconds);
    }

    /// <summary>NaN as the text 'NaN' (a bound NaN would become NULL, which means "not measured").</summary>
    private static object Real(double? value) => value switch
    {
        null => DBNull.Value,
        { } v when double.IsNaN(v) => "NaN",
        { } v => v,
    };

    private static double? Metric(SqliteDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        DBNull => null,
        double d => d,
        long l => l,
        "NaN" => double.NaN,
        var other => throw new InvalidDataException(
            $"epoch_metrics.{reader.GetName(ordinal)} holds '{other}', which is not a number"),
    };

    /// <summary>For each trial: the attempt number allowed to write (0 when none is).</summary>
    private static Dictionary<string, int> CurrentWriters(SqliteConnection connection, SqliteTransaction tx, IEnumerable<string> trialIds)
    {
        var writers = new Dictionary<string, int>();
        using var query = Command(connection, tx, """
            SELECT t.attempts, a.ended_at IS NOT NULL, a.outcome
            FROM trials t JOIN trial_attempts a ON a.trial_id = t.id AND a.attempt = t.attempts
            WHERE t.id = $id
            """, ("$id", ""));
        foreach (var trialId in trialIds)
        {
            query.Parameters["$id"].Value = trialId;
            using var reader = query.ExecuteReader();
            if (!reader.Read()) continue;
            var ended = reader.GetBoolean(1);
            var outcome = reader.IsDBNull(2) ? null : reader.GetString(2);
            if (!(ended && AttemptOutcomes.IsFencedOut(outcome))) writers[trialId] = reader.GetInt32(0);
        }
        return writers;
    }

    private void InsertTrials(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<TrialConfig> trials)
    {
        using var insert = Command(connection, tx, $"""
            INSERT INTO trials (id, sweep_id, number, hyperparameters, status, created_at, device)
            VALUES ($id, $sweep, $number, $parameters, 'pending', $now, {string.Format(DeviceMigrations.TrialDeviceFromSweep, "$sweep")})
            ON CONFLICT (id) DO NOTHING
            """, ("$id", ""), ("$sweep", ""), ("$number", 0), ("$parameters", ""), ("$now", Now()));
        foreach (var trial in trials)
        {
            insert.Parameters["$id"].Value = trial.TrialId;
            insert.Parameters["$sweep"].Value = trial.SweepId;
            insert.Parameters["$number"].Value = trial.Number;
            insert.Parameters["$parameters"].Value = StoreWire.ToJson(trial.Parameters);
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == 2067) // SQLITE_CONSTRAINT_UNIQUE on (sweep_id, number)
            {
                throw StoreChecks.NumberTaken(trial, e);
            }
        }
    }

    private static void ThrowIfRunningNameTaken(SqliteConnection connection, SqliteTransaction tx, string name, string? exceptId)
    {
        if (Scalar(connection, tx, "SELECT id FROM sweeps WHERE name = $name AND state = 'running' AND id IS NOT $except",
                ("$name", name), ("$except", exceptId)) is string existing)
            throw new DuplicateSweepException(name, existing);
    }

    private static SweepRecord ReadSweep(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), StoreWire.ParseSweepState(r.GetString(2)), r.GetString(3), r.GetString(4), r.GetBoolean(5),
        Time(r, 6), NullableTime(r, 7), StoreWire.ParseDevice(r.GetString(8)));

    private static TrialRecord ReadTrial(SqliteDataReader r) => new(
        TrialId: r.GetString(0), SweepId: r.GetString(1), Number: r.GetInt32(2),
        Parameters: StoreWire.HyperparametersFromJson(r.GetString(3), r.GetString(0)),
        Status: TrialStatusExtensions.ParseTrialStatus(r.GetString(4)), Attempts: r.GetInt32(5),
        Silo: r.IsDBNull(6) ? null : r.GetString(6), EpochsCompleted: r.GetInt32(7), Error: r.IsDBNull(8) ? null : r.GetString(8),
        Kept: r.GetBoolean(9), CreatedAt: Time(r, 10), StartedAt: NullableTime(r, 11), FinishedAt: NullableTime(r, 12));

    private static DateTimeOffset Time(SqliteDataReader reader, int ordinal) => StoreWire.FromSqliteTime(reader.GetString(ordinal));

    private static DateTimeOffset? NullableTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : StoreWire.FromSqliteTime(reader.GetString(ordinal));

    private static string Now(TimeSpan offset = default) => StoreWire.ToSqliteTime(DateTimeOffset.UtcNow + offset);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Per connection: wait for other processes' locks inside SQLite; WAL makes NORMAL sync durable enough
        // (a power cut may lose the last commits, never corrupt the file).
        using var pragmas = Command(connection, null,
            $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;");
        pragmas.ExecuteNonQuery();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql,
        params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static int Exec(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, tx, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, tx, sql, parameters);
        return command.ExecuteScalar();
    }

    /// <summary>Runs <paramref name="work"/> in one BEGIN IMMEDIATE transaction; it commits when work returns, rolls back when it throws.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ct.ThrowIfCancellationRequested();
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            var result = work(connection, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Runs a read on its own connection (WAL: never waits for the writer); failures come back in the task.</summary>
    private Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken ct)
    {
        try
        {
            ct.ThrowIfCancellationRequested();
            using var connection = Open();
            return Task.FromResult(read(connection));
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
