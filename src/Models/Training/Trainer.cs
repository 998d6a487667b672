using AeGrid.Models.Data;

namespace AeGrid.Models.Training;

/// <summary>The training loop shared by all architectures. Synchronous: run it on its own thread.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="config"/> (defaults filled, validated) on <paramref name="data"/>, resuming from
    /// <paramref name="resume"/> when given. Returns the epochs it ran in this call.
    /// </summary>
    public static TrainingResult Run(TrainingConfig config, Dataset data, TrainingOptions options, Checkpoint? resume,
        ITrainingObserver observer, CancellationToken cancel, CancellationToken pause = default)
        => throw new NotImplementedException();

    /// <summary>Rebuilds the trained model from a checkpoint and evaluates it on the test split (test MSE etc.).</summary>
    public static EpochMetrics Evaluate(TrainingConfig config, Dataset data, Checkpoint checkpoint, TrainingOptions options)
        => throw new NotImplementedException();
}
