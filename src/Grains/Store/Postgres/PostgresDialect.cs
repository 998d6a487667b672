using System.Data.Common;
using AeGrid.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace AeGrid.Grains.Store;

/// <summary>
/// PostgreSQL's side of the store: times and leases on the database clock (<c>now()</c>), row locks where several
/// processes write at once, and array parameters (<c>unnest</c>) that make a batch of rows one statement.
/// </summary>
internal sealed class PostgresDialect : StoreDialect
{
    public static readonly PostgresDialect Instance = new();

    public override string Now => "now()";

    public override string LeaseEnd => "now() + @lease";

    public override object LeaseValue(TimeSpan lease, DateTimeOffset sessionNow) => lease;

    public override string ForUpdate => " FOR UPDATE";

    public override string ForShare => " FOR SHARE";

    public override bool LocksRows => true;

    public override string Json(string parameter) => $"CAST({parameter} AS jsonb)";

    public override string IdIn(string column, string parameter) => $"{column} = ANY({parameter})";

    public override object IdList(IReadOnlyCollection<string> ids) => ids.Distinct().ToArray();

    public override object Time(DateTimeOffset time) => time.ToUniversalTime();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    /// <summary>double precision keeps NaN and ±Infinity as themselves.</summary>
    public override object Real(double? value) => value is { } v ? v : DBNull.Value;

    public override bool IsUniqueViolation(DbException e, string? constraint = null) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } p && (constraint is null || p.ConstraintName == constraint);

    /// <summary>All the trials in one statement: their columns as arrays.</summary>
    public override async Task InsertTrialsAsync(StoreSession session, IReadOnlyList<TrialConfig> trials, CancellationToken ct)
    {
        if (trials.Count == 0) return;
        await using var insert = session.Command($"""
            INSERT INTO trials (id, sweep_id, number, hyperparameters, status, created_at, device)
            SELECT u.id, u.sweep_id, u.number, u.hyperparameters, 'pending', now(), {string.Format(DeviceMigrations.TrialDeviceFromSweep, "u.sweep_id")}
            FROM unnest(@ids, @sweeps, @numbers, @parameters) AS u(id, sweep_id, number, hyperparameters)
            ON CONFLICT (id) DO NOTHING
            """, ("@ids", trials.Select(t => t.TrialId).ToArray()), ("@sweeps", trials.Select(t => t.SweepId).ToArray()),
            ("@numbers", trials.Select(t => t.Number).ToArray()));
        insert.Parameters.Add(new NpgsqlParameter<string[]>("@parameters", trials.Select(t => StoreWire.ToJson(t.Parameters)).ToArray())
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>All the rows in one statement: their columns as arrays, fenced as <see cref="EpochQueries.UpsertOne"/>.</summary>
    public override async Task<int> UpsertEpochsAsync(StoreSession session, IReadOnlyList<EpochReport> rows, CancellationToken ct)
    {
        var columns = string.Join(", ", StoreRows.EpochColumns);
        await using var upsert = session.Command($"""
            INSERT INTO epoch_metrics ({columns}, written_at)
            SELECT u.*, now()
            FROM unnest({string.Join(", ", StoreRows.EpochColumns.Select(c => "@" + c))}) AS u({columns})
            WHERE {AttemptLedger.IsCurrentWriter("u.trial_id", "u.attempt")}
            {EpochQueries.UpsertConflict}
            """,
            ("@trial_id", rows.Select(r => r.TrialId).ToArray()), ("@epoch", rows.Select(r => r.Epoch).ToArray()),
            ("@attempt", rows.Select(r => r.Attempt).ToArray()), ("@train_mse", rows.Select(r => r.TrainMse).ToArray()),
            ("@test_mse", rows.Select(r => r.TestMse).ToArray()), ("@test_psnr", rows.Select(r => r.TestPsnr).ToArray()),
            ("@noisy_input_mse", rows.Select(r => r.NoisyInputMse).ToArray()), ("@noisy_input_psnr", rows.Select(r => r.NoisyInputPsnr).ToArray()),
            ("@nmi", rows.Select(r => r.Nmi).ToArray()), ("@cluster_accuracy", rows.Select(r => r.ClusterAccuracy).ToArray()),
            ("@baseline_nmi", rows.Select(r => r.BaselineNmi).ToArray()),
            ("@baseline_cluster_accuracy", rows.Select(r => r.BaselineClusterAccuracy).ToArray()),
            ("@samples_per_second", rows.Select(r => r.SamplesPerSecond).ToArray()), ("@wall_seconds", rows.Select(r => r.WallSeconds).ToArray()));
        return await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
