using AeGrid.Abstractions;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Trials;

/// <summary>Turns the training loop's metrics into the wire/store record.</summary>
public static class EpochReports
{
    public static EpochReport From(string trialId, int attempt, EpochMetrics m) => new()
    {
        TrialId = trialId,
        Attempt = attempt,
        Epoch = m.Epoch,
        TrainMse = m.TrainMse,
        TestMse = m.TestMse,
        TestPsnr = m.TestPsnr,
        NoisyInputMse = m.NoisyInputMse,
        NoisyInputPsnr = m.NoisyInputPsnr,
        Nmi = m.Nmi,
        ClusterAccuracy = m.ClusterAccuracy,
        BaselineNmi = m.BaselineNmi,
        BaselineClusterAccuracy = m.BaselineClusterAccuracy,
        SamplesPerSecond = m.SamplesPerSecond,
        WallSeconds = m.WallSeconds,
    };
}
