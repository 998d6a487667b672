namespace AeGrid.Abstractions;

/// <summary>One epoch's metrics as stored and reported; names follow the CLI's JSON (snake_case there).</summary>
[GenerateSerializer, Immutable, Alias("aegrid.epoch-report")]
public sealed record EpochReport
{
    [Id(0)] public required string TrialId { get; init; }
    [Id(1)] public required int Epoch { get; init; }
    [Id(2)] public required double TrainMse { get; init; }
    [Id(3)] public required double TestMse { get; init; }
    [Id(4)] public double? TestPsnr { get; init; }
    [Id(5)] public double? NoisyInputMse { get; init; }
    [Id(6)] public double? NoisyInputPsnr { get; init; }
    [Id(7)] public double? Nmi { get; init; }
    [Id(8)] public double? ClusterAccuracy { get; init; }
    [Id(9)] public double? BaselineNmi { get; init; }
    [Id(10)] public double? BaselineClusterAccuracy { get; init; }
    [Id(11)] public required double SamplesPerSecond { get; init; }
    [Id(12)] public required double WallSeconds { get; init; }
    /// <summary>The attempt that produced it (fencing: only the trial's current attempt may write).</summary>
    [Id(13)] public int Attempt { get; init; }

    /// <summary>A metric by its sweep-file name (test_mse, train_mse, nmi, …); null when this epoch lacks it.</summary>
    public double? Metric(string name) => name switch
    {
        "test_mse" => TestMse,
        "train_mse" => TrainMse,
        "test_psnr" => TestPsnr,
        "noisy_input_mse" => NoisyInputMse,
        "nmi" => Nmi,
        "cluster_accuracy" => ClusterAccuracy,
        "samples_per_second" => SamplesPerSecond,
        _ => null,
    };

    public static readonly IReadOnlyList<string> MetricNames =
        ["test_mse", "train_mse", "test_psnr", "noisy_input_mse", "nmi", "cluster_accuracy", "samples_per_second"];
}
