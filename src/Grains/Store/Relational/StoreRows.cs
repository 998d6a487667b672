using System.Data.Common;
using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>The column lists the store reads and the records it makes of their rows, for every database.</summary>
internal static class StoreRows
{
    public const string SelectSweep =
        "SELECT id, name, state, spec_text, metric, maximize, created_at, finished_at, device, forked_from_sweep, forked_from_trial, fuse FROM sweeps";

    // hyperparameters: jsonb on PostgreSQL, which Npgsql reads as its text.
    public const string SelectTrial = """
        SELECT id, sweep_id, number, hyperparameters, status, attempts, silo, epochs_completed, error, kept,
               created_at, started_at, finished_at
        FROM trials
        """;

    public const string SelectAttempt =
        "SELECT trial_id, attempt, silo, started_at, ended_at, lease_until, outcome, first_batch_at FROM trial_attempts";

    public static readonly string[] EpochColumns =
    [
        "trial_id", "epoch", "attempt", "train_mse", "test_mse", "test_psnr", "noisy_input_mse", "noisy_input_psnr", "nmi",
        "cluster_accuracy", "baseline_nmi", "baseline_cluster_accuracy", "samples_per_second", "wall_seconds",
    ];

    public static SweepRecord Sweep(StoreDialect d, DbDataReader r) => new(
        r.GetString(0), r.GetString(1), StoreWire.ParseSweepState(r.GetString(2)), r.GetString(3), r.GetString(4), r.GetBoolean(5),
        d.ReadTime(r, 6), d.ReadNullableTime(r, 7), StoreWire.ParseDevice(r.GetString(8)),
        r.IsDBNull(9) ? null : new SweepOrigin(r.GetString(9), r.GetString(10)), r.GetInt32(11));

    public static TrialRecord Trial(StoreDialect d, DbDataReader r) => new(
        TrialId: r.GetString(0), SweepId: r.GetString(1), Number: r.GetInt32(2),
        Parameters: StoreWire.HyperparametersFromJson(r.GetString(3), r.GetString(0)),
        Status: TrialStatusExtensions.ParseTrialStatus(r.GetString(4)), Attempts: r.GetInt32(5), Silo: NullableString(r, 6),
        EpochsCompleted: r.GetInt32(7), Error: NullableString(r, 8), Kept: r.GetBoolean(9),
        CreatedAt: d.ReadTime(r, 10), StartedAt: d.ReadNullableTime(r, 11), FinishedAt: d.ReadNullableTime(r, 12));

    public static AttemptRecord Attempt(StoreDialect d, DbDataReader r) => new(
        r.GetString(0), r.GetInt32(1), r.GetString(2), d.ReadTime(r, 3), d.ReadNullableTime(r, 4), d.ReadTime(r, 5),
        NullableString(r, 6), d.ReadNullableTime(r, 7));

    /// <summary>A row of <see cref="EpochColumns"/>.</summary>
    public static EpochReport Epoch(DbDataReader r) => new()
    {
        TrialId = r.GetString(0),
        Epoch = r.GetInt32(1),
        Attempt = r.GetInt32(2),
        TrainMse = Metric(r, 3)!.Value,
        TestMse = Metric(r, 4)!.Value,
        TestPsnr = Metric(r, 5),
        NoisyInputMse = Metric(r, 6),
        NoisyInputPsnr = Metric(r, 7),
        Nmi = Metric(r, 8),
        ClusterAccuracy = Metric(r, 9),
        BaselineNmi = Metric(r, 10),
        BaselineClusterAccuracy = Metric(r, 11),
        SamplesPerSecond = Metric(r, 12)!.Value,
        WallSeconds = Metric(r, 13)!.Value,
    };

    /// <summary>The values of <see cref="EpochColumns"/> for a row, as <c>@column</c> parameters.</summary>
    public static (string Name, object? Value)[] EpochValues(StoreDialect d, EpochReport row) =>
    [
        ("@trial_id", row.TrialId), ("@epoch", row.Epoch), ("@attempt", row.Attempt),
        ("@train_mse", d.Real(row.TrainMse)), ("@test_mse", d.Real(row.TestMse)), ("@test_psnr", d.Real(row.TestPsnr)),
        ("@noisy_input_mse", d.Real(row.NoisyInputMse)), ("@noisy_input_psnr", d.Real(row.NoisyInputPsnr)), ("@nmi", d.Real(row.Nmi)),
        ("@cluster_accuracy", d.Real(row.ClusterAccuracy)), ("@baseline_nmi", d.Real(row.BaselineNmi)),
        ("@baseline_cluster_accuracy", d.Real(row.BaselineClusterAccuracy)),
        ("@samples_per_second", d.Real(row.SamplesPerSecond)), ("@wall_seconds", d.Real(row.WallSeconds)),
    ];

    /// <summary>A metric column: NULL (not measured), a number, or SQLite's text 'NaN' (<see cref="StoreDialect.Real"/>).</summary>
    public static double? Metric(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        DBNull => null,
        double d => d,
        long l => l,
        "NaN" => double.NaN,
        var other => throw new InvalidDataException(
            $"epoch_metrics.{reader.GetName(ordinal)} holds '{other}', which is not a number"),
    };

    public static string? NullableString(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    public static long? NullableLong(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetInt64(ordinal);

    /// <summary>One new trial (pending), its device its sweep's; an existing id is left alone. Bind with <see cref="BindTrial"/>.</summary>
    public static string InsertTrial(StoreDialect d) => $"""
        INSERT INTO trials (id, sweep_id, number, hyperparameters, status, created_at, device)
        VALUES (@id, @sweep, @number, {d.Json("@parameters")}, 'pending', {d.Now}, {string.Format(DeviceMigrations.TrialDeviceFromSweep, "@sweep")})
        ON CONFLICT (id) DO NOTHING
        """;

    public static void BindTrial(DbCommand insert, TrialConfig trial)
    {
        StoreSession.Set(insert, "@id", trial.TrialId);
        StoreSession.Set(insert, "@sweep", trial.SweepId);
        StoreSession.Set(insert, "@number", trial.Number);
        StoreSession.Set(insert, "@parameters", StoreWire.ToJson(trial.Parameters));
    }
}
