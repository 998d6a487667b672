using AeGrid.Client.Training;
using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Client.Tests.Support;

/// <summary>Hand-made training results, for output code that only formats what the trainer returned.</summary>
internal static class SampleRuns
{
    public static readonly Hyperparameters Config = new()
    {
        Architecture = "denoise-mlp",
        EncodingDim = 32,
        HiddenSizes = [128],
        NoiseFactor = 0.5,
        ClipNoise = true,
        LearningRate = 0.001,
        Optimizer = "adam",
        BatchSize = 128,
        Epochs = 2,
        Seed = 3,
        Dataset = "fashion-mnist",
    };

    public static EpochMetrics Epoch(int epoch, double testMse, double? nmi = null) => new()
    {
        Epoch = epoch,
        TrainMse = testMse * 0.9,
        TestMse = testMse,
        TestPsnr = 10 * Math.Log10(1 / testMse),
        NoisyInputMse = 0.1,
        NoisyInputPsnr = 10,
        Nmi = nmi,
        SamplesPerSecond = 1000 * epoch,
        WallSeconds = 1.5,
    };

    public static TrainReport Report(TrainingOutcome outcome, IReadOnlyList<EpochMetrics> epochs, string? message = null)
    {
        var requested = Config with { EncodingDim = null, Optimizer = null };
        var data = new Dataset("fashion-mnist", new ImageSet([], [], 300, 28, 28), new ImageSet([], [], 100, 28, 28));
        var training = new FinishedTraining(new TrainingResult(outcome, epochs, message), null, WallSeconds: 4.25);
        return TrainReport.Create(Config, Recipe.Compare(requested, Config), data, new TrainingOptions { Device = "cpu" },
            training, dataLoadSeconds: 0.5);
    }
}
