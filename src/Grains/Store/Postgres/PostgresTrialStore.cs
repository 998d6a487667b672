using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace AeGrid.Grains.Store;

/// <summary>
/// The trial store on PostgreSQL, for clusters. One <see cref="NpgsqlDataSource"/> per process (pass the process's, or let
/// <see cref="Create"/> build one), short-lived pooled connections, <c>$n</c> parameters, and <see cref="NpgsqlBatch"/>
/// wherever several statements make one write (one round trip, one implicit transaction).
/// </summary>
/// <remarks>
/// Concurrency: claims serialise on row locks taken in one order everywhere — the silo's row, then trial rows by id —
/// so slot counts and the one-open-attempt rule hold across processes without deadlocks. Lease times use the
/// database clock (<c>now()</c>), so silos with skewed clocks still agree on who holds a lease.
/// </remarks>
public sealed partial class PostgresTrialStore : ITrialStore, IAsyncDisposable, IDisposable
{
    private readonly ILogger _logger;
    private readonly bool _ownsDataSource;

    /// <summary>A store over the process's data source; the caller keeps owning (and disposes) it.</summary>
    public PostgresTrialStore(NpgsqlDataSource dataSource, ILogger<PostgresTrialStore>? logger = null)
        : this(dataSource, ownsDataSource: false, logger) { }

    private PostgresTrialStore(NpgsqlDataSource dataSource, bool ownsDataSource, ILogger? logger)
    {
        DataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _ownsDataSource = ownsDataSource;
        _logger = logger ?? NullLogger<PostgresTrialStore>.Instance;
    }

    /// <summary>
    /// A store with its own data source, disposed with it. <paramref name="connectionString"/> may be an Npgsql
    /// key=value string or a postgres:// URL.
    /// </summary>
    public static PostgresTrialStore Create(string connectionString, ILoggerFactory? loggerFactory = null)
    {
        var builder = new NpgsqlDataSourceBuilder(NormaliseConnectionString(connectionString));
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

    // ------------------------------------------------------------------ schema

    /// <summary>
    /// Applies pending migrations (schema_version) and rewrites the Orleans ADO.NET query texts, all in one transaction
    /// under an advisory lock: processes starting together take turns and the later ones find nothing to do.
    /// </summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        var applied = await InTransactionAsync(async (connection, tx) =>
        {
            await PostgresSchema.LockMigrationsAsync(connection, tx, ct).ConfigureAwait(false);
            // A migration that skips a step it lacks the privilege for (the reader role) says so in a warning.
            // (Notices, such as "already exists, skipping", are not worth a line.)
            connection.Notice += (_, e) => { if (e.Notice.Severity == "WARNING") LogMigrationWarning(_logger, e.Notice.MessageText); };
            await ExecAsync(connection, tx, PostgresSchema.CreateVersionTable, ct).ConfigureAwait(false);

            var done = new HashSet<int>();
            await using (var reader = await Command(connection, tx, "SELECT version FROM schema_version").ExecuteReaderAsync(ct).ConfigureAwait(false))
                while (await reader.ReadAsync(ct).ConfigureAwait(false)) done.Add(reader.GetInt32(0));

            var newest = PostgresSchema.Migrations[^1].Version;
            if (done.Count > 0 && done.Max() > newest)
                throw new InvalidOperationException(
                    $"the store {this} has schema version {done.Max()}, newer than this AeGrid knows ({newest}): upgrade AeGrid");

            var appliedNow = new List<SchemaMigration>();
            foreach (var migration in PostgresSchema.Migrations.Where(m => !done.Contains(m.Version)))
            {
                await ExecAsync(connection, tx, migration.Sql, ct).ConfigureAwait(false);
                await ExecAsync(connection, tx, "INSERT INTO schema_version (version, description) VALUES ($1, $2)", ct,
                    P(migration.Version), P(migration.Description)).ConfigureAwait(false);
                appliedNow.Add(migration);
            }

            // Query texts are code, not history: this build's texts replace whatever an older build wrote.
            await OrleansAdoNetSchema.ApplyAsync(connection, tx, ct).ConfigureAwait(false);
            return appliedNow;
        }, ct).ConfigureAwait(false);

        foreach (var migration in applied) LogMigrationApplied(_logger, migration.Version, migration.Description);
    }

    // ------------------------------------------------------------------ sweeps

    public async Task CreateSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        StoreChecks.TrialsBelongTo(sweep.Id, trials);
        try
        {
            await InTransactionAsync(async (connection, tx) =>
            {
                if (await ScalarAsync(connection, tx, "SELECT 1 FROM sweeps WHERE id = $1", ct, P(sweep.Id)).ConfigureAwait(false) is not null)
                    throw new InvalidOperationException($"a sweep with id '{sweep.Id}' already exists");
                if (sweep.State == SweepState.Running)
                    await ThrowIfRunningNameTakenAsync(connection, tx, sweep.Name, exceptId: null, ct).ConfigureAwait(false);

                await using var batch = new NpgsqlBatch(connection, tx);
                batch.BatchCommands.Add(BatchCommand("""
                    INSERT INTO sweeps (id, name, state, spec_text, metric, maximize, created_at, finished_at, device)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    """, P(sweep.Id), P(sweep.Name), P(sweep.State.ToWire()), P(sweep.SpecText), P(sweep.Metric), P(sweep.Maximize),
                    P(sweep.CreatedAt.ToUniversalTime()), P(sweep.FinishedAt?.ToUniversalTime()), P(sweep.Device.ToWire())));
                batch.BatchCommands.Add(InsertTrialsCommand(sweep.Id, trials));
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return 0;
            }, ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "sweeps_running_name" })
        {
            // Another process created a running sweep of this name between our check and our insert.
            var existing = await ScalarAsync(null, null, "SELECT id FROM sweeps WHERE name = $1 AND state = 'running'", ct, P(sweep.Name))
                .ConfigureAwait(false);
            throw new DuplicateSweepException(sweep.Name, existing as string ?? "(unknown)");
        }
    }

    public Task<SweepRecord?> GetSweepAsync(string sweepId, CancellationToken ct = default) =>
        QuerySingleAsync($"{SelectSweep} WHERE id = $1", ReadSweep, ct, P(sweepId));

    public Task<IReadOnlyList<SweepRecord>> ListSweepsAsync(CancellationToken ct = default) =>
        QueryListAsync($"{SelectSweep} ORDER BY created_at, id", ReadSweep, ct);

    public async Task SetSweepStateAsync(string sweepId, SweepState state, CancellationToken ct = default)
    {
        string? name = null;
        try
        {
            await InTransactionAsync(async (connection, tx) =>
            {
                name = await ScalarAsync(connection, tx, "SELECT name FROM sweeps WHERE id = $1 FOR UPDATE", ct, P(sweepId)).ConfigureAwait(false) as string
                       ?? throw StoreChecks.NoSweep(sweepId);
                if (state == SweepState.Running)
                    await ThrowIfRunningNameTakenAsync(connection, tx, name, exceptId: sweepId, ct).ConfigureAwait(false);
                // Setting the state it already has keeps its finished_at: the write is idempotent.
                return await ExecAsync(connection, tx, """
                    UPDATE sweeps SET finished_at = CASE WHEN state = $2 THEN finished_at WHEN $2 = 'running' THEN NULL ELSE now() END,
                                      state = $2
                    WHERE id = $1
                    """, ct, P(sweepId), P(state.ToWire())).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "sweeps_running_name" })
        {
            var existing = await ScalarAsync(null, null, "SELECT id FROM sweeps WHERE name = $1 AND state = 'running'", ct, P(name))
                .ConfigureAwait(false);
            throw new DuplicateSweepException(name ?? sweepId, existing as string ?? "(unknown)");
        }
    }

    public Task AddTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default)
    {
        StoreChecks.TrialsBelongTo(sweepId, trials);
        return InTransactionAsync(async (connection, tx) =>
        {
            if (await ScalarAsync(connection, tx, "SELECT 1 FROM sweeps WHERE id = $1", ct, P(sweepId)).ConfigureAwait(false) is null)
                throw StoreChecks.NoSweep(sweepId);
            await using var batch = new NpgsqlBatch(connection, tx) { BatchCommands = { InsertTrialsCommand(sweepId, trials) } };
            return await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);
    }

    // ------------------------------------------------------------------ trials

    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, CancellationToken ct = default) =>
        QueryListAsync($"{SelectTrial} WHERE sweep_id = $1 ORDER BY number", ReadTrial, ct, P(sweepId));

    public Task<TrialRecord?> GetTrialAsync(string trialId, CancellationToken ct = default) =>
        QuerySingleAsync($"{SelectTrial} WHERE id = $1", ReadTrial, ct, P(trialId));

    public async Task SetTrialStatusAsync(string trialId, TrialStatus status, string? error, CancellationToken ct = default)
    {
        var changed = await ExecAsync(null, null, """
            UPDATE trials SET status = $2, error = $3,
                finished_at = CASE WHEN $4 THEN coalesce(CASE WHEN status = $2 THEN finished_at END, now()) END
            WHERE id = $1
            """, ct, P(trialId), P(status.ToWire()), P(error), P(status.IsFinal())).ConfigureAwait(false);
        if (changed == 0) throw StoreChecks.NoTrial(trialId);
    }

    public Task SetKeptAsync(string sweepId, IReadOnlyCollection<string> keptTrialIds, CancellationToken ct = default)
    {
        var kept = keptTrialIds.Distinct().ToArray();
        return InTransactionAsync(async (connection, tx) =>
        {
            if (await ScalarAsync(connection, tx, "SELECT 1 FROM sweeps WHERE id = $1", ct, P(sweepId)).ConfigureAwait(false) is null)
                throw StoreChecks.NoSweep(sweepId);
            var stranger = await ScalarAsync(connection, tx,
                "SELECT k FROM unnest($2::text[]) AS k WHERE k NOT IN (SELECT id FROM trials WHERE sweep_id = $1) LIMIT 1",
                ct, P(sweepId), P(kept)).ConfigureAwait(false);
            if (stranger is string trialId)
                throw new ArgumentException($"trial '{trialId}' is not in sweep '{sweepId}'", nameof(keptTrialIds));
            return await ExecAsync(connection, tx,
                "UPDATE trials SET kept = (id = ANY($2)) WHERE sweep_id = $1 AND kept IS DISTINCT FROM (id = ANY($2))",
                ct, P(sweepId), P(kept)).ConfigureAwait(false);
        }, ct);
    }

    // ------------------------------------------------------------------ attempts

    public Task<int?> BeginAttemptAsync(string trialId, string silo, TimeSpan lease, CancellationToken ct = default)
    {
        StoreChecks.PositiveLease(lease);
        return InTransactionAsync<int?>(async (connection, tx) =>
        {
            // Lock order: silo, then trial. The silo lock makes "count used slots, then insert" atomic per silo.
            if (await ScalarAsync(connection, tx, "SELECT slots FROM silos WHERE silo = $1 FOR UPDATE", ct, P(silo)).ConfigureAwait(false)
                is not int slots)
                return null; // an unregistered silo has no slots

            string status;
            int attempts;
            await using (var reader = await Command(connection, tx, "SELECT status, attempts FROM trials WHERE id = $1 FOR UPDATE", P(trialId))
                             .ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(ct).ConfigureAwait(false)) throw StoreChecks.NoTrial(trialId);
                status = reader.GetString(0);
                attempts = reader.GetInt32(1);
            }
            if (TrialStatusExtensions.ParseTrialStatus(status).IsFinal()) return null;

            long stillOpen, used;
            await using (var check = new NpgsqlBatch(connection, tx))
            {
                check.BatchCommands.Add(BatchCommand($"""
                    WITH expired AS (
                        UPDATE trial_attempts SET ended_at = now(), outcome = '{AttemptOutcomes.Expired}'
                        WHERE trial_id = $1 AND ended_at IS NULL AND lease_until <= now()
                        RETURNING 1
                    )
                    UPDATE trials SET status = 'pending' WHERE id = $1 AND status = 'running' AND EXISTS (SELECT 1 FROM expired)
                    """, P(trialId)));
                check.BatchCommands.Add(BatchCommand("""
                    SELECT (SELECT count(*) FROM trial_attempts WHERE trial_id = $1 AND ended_at IS NULL),
                           (SELECT count(*) FROM trial_attempts WHERE silo = $2 AND ended_at IS NULL AND lease_until > now())
                    """, P(trialId), P(silo)));
                await using var reader = await check.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(ct).ConfigureAwait(false);
                stillOpen = reader.GetInt64(0);
                used = reader.GetInt64(1);
            }
            if (stillOpen > 0 || used >= slots) return null; // commits the closing of an expired attempt all the same

            var attempt = attempts + 1;
            await using var claim = new NpgsqlBatch(connection, tx);
            claim.BatchCommands.Add(BatchCommand(
                "INSERT INTO trial_attempts (trial_id, attempt, silo, started_at, lease_until) VALUES ($1, $2, $3, now(), now() + $4)",
                P(trialId), P(attempt), P(silo), P(lease)));
            claim.BatchCommands.Add(BatchCommand("""
                UPDATE trials SET status = 'running', silo = $3, attempts = $2, error = NULL, finished_at = NULL,
                    started_at = coalesce(started_at, now())
                WHERE id = $1
                """, P(trialId), P(attempt), P(silo)));
            await claim.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return attempt;
        }, ct);
    }

    public async Task<bool> RenewLeaseAsync(string trialId, int attempt, TimeSpan lease, CancellationToken ct = default)
    {
        StoreChecks.PositiveLease(lease);
        return await ExecAsync(null, null, """
            UPDATE trial_attempts a SET lease_until = now() + $3
            FROM trials t
            WHERE a.trial_id = $1 AND a.attempt = $2 AND a.ended_at IS NULL AND t.id = a.trial_id AND t.attempts = a.attempt
              AND t.status = 'running'
            """, ct, P(trialId), P(attempt), P(lease)).ConfigureAwait(false) == 1;
    }

    public Task<bool> EndAttemptAsync(string trialId, int attempt, TrialStatus status, string? error, string? outcome = null,
        CancellationToken ct = default) =>
        InTransactionAsync(async (connection, tx) =>
        {
            var current = await ScalarAsync(connection, tx, "SELECT attempts FROM trials WHERE id = $1 FOR UPDATE", ct, P(trialId))
                .ConfigureAwait(false) ?? throw StoreChecks.NoTrial(trialId);
            if ((int)current != attempt) return false;

            var ending = outcome ?? status.ToWire();
            await using (var reader = await Command(connection, tx,
                             "SELECT ended_at IS NOT NULL, outcome FROM trial_attempts WHERE trial_id = $1 AND attempt = $2", P(trialId), P(attempt))
                             .ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return false;
                if (reader.GetBoolean(0))
                    // Already closed: a retried call that had succeeded is still a success; anything else was fenced out.
                    return !reader.IsDBNull(1) && reader.GetString(1) == ending;
            }

            await using var end = new NpgsqlBatch(connection, tx);
            end.BatchCommands.Add(BatchCommand("UPDATE trial_attempts SET ended_at = now(), outcome = $3 WHERE trial_id = $1 AND attempt = $2",
                P(trialId), P(attempt), P(ending)));
            // $5: whether this ending replaces a cancel the sweep made while the attempt ran (TrialStatusRules).
            end.BatchCommands.Add(BatchCommand("""
                UPDATE trials SET status = $2, error = $3, finished_at = CASE WHEN $4 THEN now() END
                WHERE id = $1 AND (status <> 'cancelled' OR $5)
                """, P(trialId), P(status.ToWire()), P(error), P(status.IsFinal()), P(TrialStatusRules.EndingReplacesCancel(status))));
            await end.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, ct);

    public Task<IReadOnlyList<string>> AbandonAttemptsOfSiloAsync(string silo, CancellationToken ct = default) =>
        InTransactionAsync<IReadOnlyList<string>>(async (connection, tx) =>
        {
            // Same lock order as BeginAttemptAsync: the silo, then its trials by id.
            await ExecAsync(connection, tx, "SELECT 1 FROM silos WHERE silo = $1 FOR UPDATE", ct, P(silo)).ConfigureAwait(false);
            await ExecAsync(connection, tx, """
                SELECT id FROM trials
                WHERE id IN (SELECT trial_id FROM trial_attempts WHERE silo = $1 AND ended_at IS NULL)
                ORDER BY id FOR UPDATE
                """, ct, P(silo)).ConfigureAwait(false);

            var requeued = new List<string>();
            await using var reader = await Command(connection, tx, $"""
                WITH closed AS (
                    UPDATE trial_attempts SET ended_at = now(), outcome = '{AttemptOutcomes.SiloDead}'
                    WHERE silo = $1 AND ended_at IS NULL
                    RETURNING trial_id, attempt
                )
                UPDATE trials t SET status = 'pending'
                FROM closed c
                WHERE t.id = c.trial_id AND t.attempts = c.attempt AND t.status = 'running'
                RETURNING t.id
                """, P(silo)).ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) requeued.Add(reader.GetString(0));
            requeued.Sort(StringComparer.Ordinal);
            return requeued;
        }, ct);

    public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string trialId, CancellationToken ct = default) =>
        QueryListAsync("""
            SELECT trial_id, attempt, silo, started_at, ended_at, lease_until, outcome, first_batch_at
            FROM trial_attempts WHERE trial_id = $1 ORDER BY attempt
            """,
            r => new AttemptRecord(r.GetString(0), r.GetInt32(1), r.GetString(2), Time(r, 3), NullableTime(r, 4), Time(r, 5),
                NullableString(r, 6), NullableTime(r, 7)),
            ct, P(trialId));

    public async Task RecordFirstBatchAsync(string trialId, int attempt, CancellationToken ct = default)
    {
        var stamped = await ExecAsync(null, null, $"""
            UPDATE trial_attempts SET first_batch_at = now()
            WHERE trial_id = $1 AND attempt = $2 AND first_batch_at IS NULL AND {IsCurrentWriter("$1", "$2")}
            """, ct, P(trialId), P(attempt)).ConfigureAwait(false);
        // Nothing stamped: already stamped, or fenced out (both fine), or no such trial (an error, as for other writes).
        if (stamped == 0 && await ScalarAsync(null, null, "SELECT 1 FROM trials WHERE id = $1", ct, P(trialId)).ConfigureAwait(false) is null)
            throw StoreChecks.NoTrial(trialId);
    }

    public Task RegisterSiloAsync(string silo, string deviceKind, int slots, CancellationToken ct = default)
    {
        StoreChecks.SiloRegistration(silo, deviceKind, slots);
        return ExecAsync(null, null, """
            INSERT INTO silos (silo, device_kind, slots, registered_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (silo) DO UPDATE SET device_kind = EXCLUDED.device_kind, slots = EXCLUDED.slots, registered_at = EXCLUDED.registered_at
            """, ct, P(silo), P(deviceKind), P(slots));
    }

    public Task UnregisterSiloAsync(string silo, CancellationToken ct = default) =>
        ExecAsync(null, null, "DELETE FROM silos WHERE silo = $1", ct, P(silo));

    public Task<IReadOnlyList<SiloSlots>> GetSlotLedgerAsync(CancellationToken ct = default) =>
        QueryListAsync("""
            SELECT s.silo, s.device_kind, s.slots, count(a.trial_id)::integer
            FROM silos s
            LEFT JOIN trial_attempts a ON a.silo = s.silo AND a.ended_at IS NULL AND a.lease_until > now()
            GROUP BY s.silo
            ORDER BY s.silo
            """, r => new SiloSlots(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3)), ct);

    // ------------------------------------------------------------------ epochs

    public async Task<int> WriteEpochsAsync(IReadOnlyList<EpochReport> epochs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        // Sorted, so concurrent writers touch rows in one order and cannot deadlock on them.
        var rows = StoreChecks.LastPerTrialAndEpoch(epochs)
            .OrderBy(r => r.TrialId, StringComparer.Ordinal).ThenBy(r => r.Epoch).ToArray();
        if (rows.Length == 0) return 0;
        var trialIds = rows.Select(r => r.TrialId).Distinct().ToArray();

        var written = await WithRetryOnConflictAsync(async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            // A share lock on the trials: no attempt can begin or end for them while these rows go in.
            batch.BatchCommands.Add(BatchCommand("SELECT id FROM trials WHERE id = ANY($1) ORDER BY id FOR SHARE", P(trialIds)));
            batch.BatchCommands.Add(BatchCommand(UpsertEpochs,
                P(rows.Select(r => r.TrialId).ToArray()), P(rows.Select(r => r.Epoch).ToArray()), P(rows.Select(r => r.Attempt).ToArray()),
                P(rows.Select(r => r.TrainMse).ToArray()), P(rows.Select(r => r.TestMse).ToArray()),
                P(rows.Select(r => r.TestPsnr).ToArray()), P(rows.Select(r => r.NoisyInputMse).ToArray()),
                P(rows.Select(r => r.NoisyInputPsnr).ToArray()), P(rows.Select(r => r.Nmi).ToArray()),
                P(rows.Select(r => r.ClusterAccuracy).ToArray()), P(rows.Select(r => r.BaselineNmi).ToArray()),
                P(rows.Select(r => r.BaselineClusterAccuracy).ToArray()), P(rows.Select(r => r.SamplesPerSecond).ToArray()),
                P(rows.Select(r => r.WallSeconds).ToArray())));
            batch.BatchCommands.Add(BatchCommand("""
                UPDATE trials t SET epochs_completed = m.last_epoch
                FROM (SELECT trial_id, max(epoch) AS last_epoch FROM epoch_metrics WHERE trial_id = ANY($1) GROUP BY trial_id) m
                WHERE t.id = m.trial_id AND t.epochs_completed <> m.last_epoch
                """, P(trialIds)));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return batch.BatchCommands[1].RecordsAffected;
        }, ct).ConfigureAwait(false);

        if (written < rows.Length) LogFencedEpochsDropped(_logger, rows.Length - written);
        return written;
    }

    public async Task<int> CountRedoneEpochsAsync(string sweepId, CancellationToken ct = default) =>
        (await QueryListAsync("""
            SELECT coalesce(sum(e.write_count - 1), 0)::integer FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id
            WHERE t.sweep_id = $1
            """, r => r.GetInt32(0), ct, P(sweepId)).ConfigureAwait(false))[0];

    public Task<IReadOnlyList<EpochReport>> GetEpochsAsync(string trialId, CancellationToken ct = default) =>
        QueryListAsync($"SELECT {string.Join(", ", EpochColumns)} FROM epoch_metrics WHERE trial_id = $1 ORDER BY epoch",
            r => new EpochReport
            {
                TrialId = r.GetString(0),
                Epoch = r.GetInt32(1),
                Attempt = r.GetInt32(2),
                TrainMse = r.GetDouble(3),
                TestMse = r.GetDouble(4),
                TestPsnr = NullableDouble(r, 5),
                NoisyInputMse = NullableDouble(r, 6),
                NoisyInputPsnr = NullableDouble(r, 7),
                Nmi = NullableDouble(r, 8),
                ClusterAccuracy = NullableDouble(r, 9),
                BaselineNmi = NullableDouble(r, 10),
                BaselineClusterAccuracy = NullableDouble(r, 11),
                SamplesPerSecond = r.GetDouble(12),
                WallSeconds = r.GetDouble(13),
            }, ct, P(trialId));

    // ------------------------------------------------------------------ checkpoints and models

    public async Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return await WithRetryOnConflictAsync(async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(BatchCommand("SELECT id FROM trials WHERE id = $1 FOR SHARE", P(checkpoint.TrialId)));
            batch.BatchCommands.Add(BatchCommand($"""
                INSERT INTO checkpoints (trial_id, attempt, epoch, batch, bytes, saved_at)
                SELECT $1, $2, $3, $4, $5, now()
                WHERE {IsCurrentWriter("$1", "$2")}
                ON CONFLICT (trial_id) DO UPDATE SET attempt = EXCLUDED.attempt, epoch = EXCLUDED.epoch, batch = EXCLUDED.batch,
                    bytes = EXCLUDED.bytes, saved_at = EXCLUDED.saved_at
                """, P(checkpoint.TrialId), P(checkpoint.Attempt), P(checkpoint.Epoch), P(checkpoint.Batch), P(checkpoint.Bytes)));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return batch.BatchCommands[1].RecordsAffected == 1;
        }, ct).ConfigureAwait(false);
    }

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken ct = default) =>
        QuerySingleAsync("SELECT trial_id, attempt, epoch, batch, bytes FROM checkpoints WHERE trial_id = $1",
            r => new StoredCheckpoint(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetFieldValue<byte[]>(4)), ct, P(trialId));

    public async Task SaveModelAsync(StoredModel model, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var written = await ExecAsync(null, null, """
            INSERT INTO models (trial_id, weights, created_at)
            SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM trials WHERE id = $1)
            ON CONFLICT (trial_id) DO UPDATE SET weights = EXCLUDED.weights, created_at = EXCLUDED.created_at
            """, ct, P(model.TrialId), P(model.Weights), P(model.CreatedAt.ToUniversalTime())).ConfigureAwait(false);
        if (written == 0) throw StoreChecks.NoTrial(model.TrialId);
    }

    public Task<StoredModel?> GetModelAsync(string trialId, CancellationToken ct = default) =>
        QuerySingleAsync("SELECT trial_id, weights, created_at FROM models WHERE trial_id = $1",
            r => new StoredModel(r.GetString(0), r.GetFieldValue<byte[]>(1), Time(r, 2)), ct, P(trialId));

    // ------------------------------------------------------------------ SQL

    private const string SelectSweep = "SELECT id, name, state, spec_text, metric, maximize, created_at, finished_at, device FROM sweeps";

    private const string SelectTrial = """
        SELECT id, sweep_id, number, hyperparameters::text, status, attempts, silo, epochs_completed, error, kept,
               created_at, started_at, finished_at
        FROM trials
        """;

    private static readonly string[] EpochColumns =
    [
        "trial_id", "epoch", "attempt", "train_mse", "test_mse", "test_psnr", "noisy_input_mse", "noisy_input_psnr", "nmi",
        "cluster_accuracy", "baseline_nmi", "baseline_cluster_accuracy", "samples_per_second", "wall_seconds",
    ];

    /// <summary>
    /// SQL that is true when <paramref name="attempt"/> may write for <paramref name="trial"/>: it is the trial's latest
    /// attempt, and that attempt is open or was closed by its own owner (not expired, not abandoned with its silo).
    /// </summary>
    private static string IsCurrentWriter(string trial, string attempt) => $"""
        EXISTS (SELECT 1 FROM trials t JOIN trial_attempts a ON a.trial_id = t.id AND a.attempt = t.attempts
                WHERE t.id = {trial} AND t.attempts = {attempt}
                  AND (a.ended_at IS NULL OR a.outcome NOT IN ('{AttemptOutcomes.Expired}', '{AttemptOutcomes.SiloDead}')))
        """;

    private static readonly string UpsertEpochs = $"""
        INSERT INTO epoch_metrics ({string.Join(", ", EpochColumns)}, written_at)
        SELECT u.*, now()
        FROM unnest($1::text[], $2::integer[], $3::integer[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
                    $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::float8[])
             AS u({string.Join(", ", EpochColumns)})
        WHERE {IsCurrentWriter("u.trial_id", "u.attempt")}
        ON CONFLICT (trial_id, epoch) DO UPDATE SET
            {string.Join(", ", EpochColumns.Skip(2).Append("written_at").Select(c => $"{c} = EXCLUDED.{c}"))},
            write_count = epoch_metrics.write_count + 1
        """;

    private static NpgsqlBatchCommand InsertTrialsCommand(string sweepId, IReadOnlyList<TrialConfig> trials) => BatchCommand($"""
        INSERT INTO trials (id, sweep_id, number, hyperparameters, status, created_at, device)
        SELECT u.id, $1, u.number, u.hyperparameters, 'pending', now(), {string.Format(DeviceMigrations.TrialDeviceFromSweep, "$1")}
        FROM unnest($2::text[], $3::integer[], $4::jsonb[]) AS u(id, number, hyperparameters)
        ON CONFLICT (id) DO NOTHING
        """,
        P(sweepId), P(trials.Select(t => t.TrialId).ToArray()), P(trials.Select(t => t.Number).ToArray()),
        new NpgsqlParameter<string[]>
        {
            TypedValue = trials.Select(t => StoreWire.ToJson(t.Parameters)).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });

    private async Task ThrowIfRunningNameTakenAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, string? exceptId,
        CancellationToken ct)
    {
        if (await ScalarAsync(connection, tx, "SELECT id FROM sweeps WHERE name = $1 AND state = 'running' AND id IS DISTINCT FROM $2",
                ct, P(name), P(exceptId)).ConfigureAwait(false) is string existing)
            throw new DuplicateSweepException(name, existing);
    }

    private static SweepRecord ReadSweep(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), StoreWire.ParseSweepState(r.GetString(2)), r.GetString(3), r.GetString(4), r.GetBoolean(5),
        Time(r, 6), NullableTime(r, 7), StoreWire.ParseDevice(r.GetString(8)));

    private static TrialRecord ReadTrial(NpgsqlDataReader r) => new(
        TrialId: r.GetString(0), SweepId: r.GetString(1), Number: r.GetInt32(2),
        Parameters: StoreWire.HyperparametersFromJson(r.GetString(3), r.GetString(0)),
        Status: TrialStatusExtensions.ParseTrialStatus(r.GetString(4)), Attempts: r.GetInt32(5), Silo: NullableString(r, 6),
        EpochsCompleted: r.GetInt32(7), Error: NullableString(r, 8), Kept: r.GetBoolean(9),
        CreatedAt: Time(r, 10), StartedAt: NullableTime(r, 11), FinishedAt: NullableTime(r, 12));

    private static DateTimeOffset Time(NpgsqlDataReader r, int ordinal) => r.GetFieldValue<DateTimeOffset>(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : r.GetFieldValue<DateTimeOffset>(ordinal);

    private static string? NullableString(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private static double? NullableDouble(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetDouble(ordinal);

    // ------------------------------------------------------------------ plumbing

    /// <summary>A positional parameter typed by its .NET type, so nulls go out typed too.</summary>
    private static NpgsqlParameter<T> P<T>(T value) => new() { TypedValue = value };

    private static NpgsqlBatchCommand BatchCommand(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>Runs one statement; on its own pooled connection when <paramref name="connection"/> is null.</summary>
    private async Task<int> ExecAsync(NpgsqlConnection? connection, NpgsqlTransaction? tx, string sql, CancellationToken ct,
        params NpgsqlParameter[] parameters)
    {
        if (connection is null)
        {
            await using var own = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await ExecAsync(own, null, sql, ct, parameters).ConfigureAwait(false);
        }
        await using var command = Command(connection, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task<object?> ScalarAsync(NpgsqlConnection? connection, NpgsqlTransaction? tx, string sql, CancellationToken ct,
        params NpgsqlParameter[] parameters)
    {
        if (connection is null)
        {
            await using var own = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await ScalarAsync(own, null, sql, ct, parameters).ConfigureAwait(false);
        }
        await using var command = Command(connection, tx, sql, parameters);
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private async Task<T?> QuerySingleAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct, params NpgsqlParameter[] parameters)
        where T : class
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? read(reader) : null;
    }

    private async Task<IReadOnlyList<T>> QueryListAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct,
        params NpgsqlParameter[] parameters)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) rows.Add(read(reader));
        return rows;
    }

    /// <summary>Runs <paramref name="work"/> in one READ COMMITTED transaction, committed when it returns.</summary>
    private Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct) =>
        WithRetryOnConflictAsync(async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var result = await work(connection, tx).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }, ct);

    /// <summary>
    /// Reruns a whole write when PostgreSQL aborted it for a deadlock or a serialisation failure. The lock order above
    /// should make these impossible; this is the safety net, not the design.
    /// </summary>
    private async Task<T> WithRetryOnConflictAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        const int maxTries = 5;
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await write().ConfigureAwait(false);
            }
            catch (PostgresException e) when (tries < maxTries && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                LogConflictRetry(_logger, e.SqlState, tries);
                await Task.Delay(TimeSpan.FromMilliseconds(10 * tries * Random.Shared.Next(1, 4)), ct).ConfigureAwait(false);
            }
        }
    }
}
