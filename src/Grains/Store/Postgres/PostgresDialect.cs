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
}
