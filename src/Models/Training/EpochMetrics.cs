namespace AeGrid.Models.Training;

/// <summary>What one finished epoch measured. MSEs are mean per-pixel squared errors on [0,1] pixels.</summary>
public sealed record EpochMetrics
{
    public required int Epoch { get; init; }              // 1-based
    public required double TrainMse { get; init; }
    public required double TestMse { get; init; }          // test split, clean targets
    public double? TestPsnr { get; init; }
    public double? NoisyInputMse { get; init; }            // denoisers: MSE of the noisy test input vs clean
    public double? NoisyInputPsnr { get; init; }
    public double? Nmi { get; init; }                      // cluster-mlp: k-means on codes vs labels
    public double? ClusterAccuracy { get; init; }
    public double? BaselineNmi { get; init; }              // cluster-mlp: k-means on raw pixels
    public double? BaselineClusterAccuracy { get; init; }
    public required double SamplesPerSecond { get; init; }
    public required double WallSeconds { get; init; }      // this epoch's wall time
}
