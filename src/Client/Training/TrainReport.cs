using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Client.Training;

/// <summary>
/// The result of `aegrid train`: what --json prints and --out saves as metrics.json. Headline metrics are the last
/// finished epoch's; metrics that do not apply to the architecture are null and left out of the JSON.
/// </summary>
internal sealed record TrainReport
{
    public required string Architecture { get; init; }
    public required TrainingOutcome Outcome { get; init; }
    /// <summary>Why training stopped early (divergence details), when the trainer says.</summary>
    public string? Message { get; init; }
    /// <summary>Finished epochs.</summary>
    public required int Epochs { get; init; }
    public double? TrainMse { get; init; }
    public double? TestMse { get; init; }
    public double? TestPsnr { get; init; }
    public double? NoisyInputMse { get; init; }
    public double? NoisyInputPsnr { get; init; }
    public double? Nmi { get; init; }
    public double? ClusterAccuracy { get; init; }
    public double? BaselineNmi { get; init; }
    public double? BaselineClusterAccuracy { get; init; }
    /// <summary>Mean over finished epochs of the trainer's training throughput.</summary>
    public double? SamplesPerSecond { get; init; }
    /// <summary>Trainer.Run's wall time: model set-up, training and evaluation; not data loading.</summary>
    public required double WallSeconds { get; init; }
    public required double DataLoadSeconds { get; init; }
    public required string Dataset { get; init; }
    public required int TrainImages { get; init; }
    public required int TestImages { get; init; }
    public required string Device { get; init; }
    public int? Threads { get; init; }
    /// <summary>Every hyperparameter as trained, tutorial defaults filled in.</summary>
    public required Hyperparameters Hyperparameters { get; init; }
    /// <summary>Keys of <see cref="Hyperparameters"/> that came from the tutorial recipe, not the command line.</summary>
    public required IReadOnlyList<string> TutorialDefaults { get; init; }
    public required IReadOnlyList<EpochMetrics> PerEpoch { get; init; }
    /// <summary>Files written by --out.</summary>
    public IReadOnlyList<string>? Files { get; init; }

    public static TrainReport Create(Hyperparameters config, Recipe recipe, Dataset data, TrainingOptions options,
        FinishedTraining training, double dataLoadSeconds)
    {
        var epochs = training.Result.Epochs;
        var last = epochs.Count > 0 ? epochs[^1] : null;
        return new TrainReport
        {
            Architecture = config.Architecture,
            Outcome = training.Result.Outcome,
            Message = training.Result.Message,
            Epochs = epochs.Count,
            TrainMse = last?.TrainMse,
            TestMse = last?.TestMse,
            TestPsnr = last?.TestPsnr,
            NoisyInputMse = last?.NoisyInputMse,
            NoisyInputPsnr = last?.NoisyInputPsnr,
            Nmi = last?.Nmi,
            ClusterAccuracy = last?.ClusterAccuracy,
            BaselineNmi = last?.BaselineNmi,
            BaselineClusterAccuracy = last?.BaselineClusterAccuracy,
            SamplesPerSecond = epochs.Count > 0 ? epochs.Average(e => e.SamplesPerSecond) : null,
            WallSeconds = training.WallSeconds,
            DataLoadSeconds = dataLoadSeconds,
            Dataset = data.Name,
            TrainImages = data.Train.Count,
            TestImages = data.Test.Count,
            Device = options.Device,
            Threads = options.Threads,
            Hyperparameters = config,
            TutorialDefaults = recipe.FromTutorial.Select(s => s.JsonName).ToList(),
            PerEpoch = epochs,
        };
    }
}
