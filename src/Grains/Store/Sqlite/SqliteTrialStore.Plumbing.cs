using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>Connections, commands and the write gate over Microsoft.Data.Sqlite.</summary>
public sealed partial class SqliteTrialStore
{
    // ------------------------------------------------------------------ plumbing

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

    private static DateTimeOffset Time(SqliteDataReader reader, int ordinal) => StoreWire.FromSqliteTime(reader.GetString(ordinal));

    private static DateTimeOffset? NullableTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : StoreWire.FromSqliteTime(reader.GetString(ordinal));

    private static string Now(TimeSpan offset = default) => StoreWire.ToSqliteTime(DateTimeOffset.UtcNow + offset);

    private SqliteConnection Open() => _sessions.Open();

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
    private Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken ct) =>
        _sessions.WriteAsync(s => Task.FromResult(work((SqliteConnection)s.Connection, (SqliteTransaction)s.Transaction!)), ct);

    /// <summary>Runs a read on its own connection (WAL: never waits for the writer); failures come back in the task.</summary>
    private Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken ct) =>
        _sessions.ReadAsync(s => Task.FromResult(read((SqliteConnection)s.Connection)), ct);
}
