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
    private readonly PostgresSessions _sessions;
    private readonly AttemptLedger _attempts;

    /// <summary>A store over the process's data source; the caller keeps owning (and disposes) it.</summary>
    public PostgresTrialStore(NpgsqlDataSource dataSource, ILogger<PostgresTrialStore>? logger = null)
        : this(dataSource, ownsDataSource: false, logger) { }

    private PostgresTrialStore(NpgsqlDataSource dataSource, bool ownsDataSource, ILogger? logger)
    {
        DataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _ownsDataSource = ownsDataSource;
        _logger = logger ?? NullLogger<PostgresTrialStore>.Instance;
        _sessions = new PostgresSessions(DataSource, _logger);
        _attempts = new AttemptLedger(_sessions);
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

    public Task CreateSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return CreateSweepAsync(sweep, trials, null, ct);
    }

    /// <summary>The sweep row, its trials and (for a fork) its warm start, in one transaction and one round trip.</summary>
    private async Task CreateSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, WarmStart? warmStart, CancellationToken ct)
    {
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
                    INSERT INTO sweeps (id, name, state, spec_text, metric, maximize, created_at, finished_at, device,
                                        forked_from_sweep, forked_from_trial)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                    """, P(sweep.Id), P(sweep.Name), P(sweep.State.ToWire()), P(sweep.SpecText), P(sweep.Metric), P(sweep.Maximize),
                    P(sweep.CreatedAt.ToUniversalTime()), P(sweep.FinishedAt?.ToUniversalTime()), P(sweep.Device.ToWire()),
                    P(sweep.ForkedFrom?.SweepId), P(sweep.ForkedFrom?.TrialId)));
                batch.BatchCommands.Add(InsertTrialsCommand(sweep.Id, trials));
                if (warmStart is not null) batch.BatchCommands.Add(InsertWarmStartCommand(warmStart));
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
                finished_at = CASE WHEN $4 THEN coalesce(CASE WHEN status = $2 THEN finished_at END, now()) END,
                finish_seq = CASE WHEN $4 THEN finish_seq END
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

    // ------------------------------------------------------------------ SQL

    private const string SelectSweep =
        "SELECT id, name, state, spec_text, metric, maximize, created_at, finished_at, device, forked_from_sweep, forked_from_trial FROM sweeps";

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
                  AND (a.ended_at IS NULL OR a.outcome NOT IN ({AttemptOutcomes.FencedOutSqlList})))
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
        Time(r, 6), NullableTime(r, 7), StoreWire.ParseDevice(r.GetString(8)),
        r.IsDBNull(9) ? null : new SweepOrigin(r.GetString(9), r.GetString(10)));

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
}
