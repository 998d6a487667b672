using AeGrid.Models.Data;

namespace AeGrid.Models.Training;

/// <summary>The training loop shared by all architectures. Synchronous: run it on its own thread.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="config"/> (defaults filled, validated) on <paramref name="data"/>, resuming from
    /// <paramref name="resume"/> when given. Returns the epochs it ran in this call.
    /// </summary>
    /// <remarks>
    /// The config's limit is applied to <paramref name="data"/>'s training split here (a no-op when the catalog
    /// already applied it). Checks both tokens before every batch: cancel ends with
    /// <see cref="TrainingOutcome.Cancelled"/>; pause hands a checkpoint at that batch boundary to
    /// <see cref="ITrainingObserver.OnCheckpoint"/> and ends with <see cref="TrainingOutcome.Paused"/>.
    /// </remarks>
    /// <exception cref="InvalidHyperparameterException">Before any training, for a bad config.</exception>
    /// <exception cref="CheckpointFormatException">The resume checkpoint (or <see cref="TrainingOptions.InitialWeights"/>) is unusable or made for another model.</exception>
    public static TrainingResult Run(Hyperparameters config, Dataset data, TrainingOptions options, Checkpoint? resume,
        ITrainingObserver observer, CancellationToken cancel, CancellationToken pause = default)
    {
        var filled = config.WithDefaults();
        filled.Validate();
        if (options.CheckpointEveryBatches is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.CheckpointEveryBatches,
                $"checkpoint_every_batches: must be positive, got {options.CheckpointEveryBatches}");
        var device = ComputeDevice.Select(options);
        using var session = TrainingSession.Start(filled, data, device, resume, options.InitialWeights);
        return session.Train(options, observer, cancel, pause);
    }

    /// <summary>Rebuilds the trained model from a checkpoint and evaluates it on the test split (test MSE etc.).</summary>
    /// <remarks>Test figures equal those the epoch reported; see <see cref="TrainedModel.Evaluate"/> for the rest.</remarks>
    public static EpochMetrics Evaluate(Hyperparameters config, Dataset data, Checkpoint checkpoint, TrainingOptions options)
    {
        using var model = TrainedModel.FromCheckpoint(config, checkpoint, options);
        return model.Evaluate(data);
    }
}
