namespace AeGrid.Models.Training;

/// <summary>How a run ends.</summary>
public enum TrainingOutcome
{
    Completed,
    /// <summary>A NaN or infinite loss: the trial cannot go on.</summary>
    Diverged,
    /// <summary>The cancel token fired: work abandoned.</summary>
    Cancelled,
    /// <summary>The pause token fired: a checkpoint at the batch boundary was handed to the observer, resume from it.</summary>
    Paused,
}

/// <summary>Progress inside an epoch, reported every batch (cheap: no tensors).</summary>
public readonly record struct BatchProgress(int Epoch, int Batch, int BatchesPerEpoch, double Loss, double SamplesPerSecond);

/// <summary>Receives progress from <see cref="Trainer.Run"/>; called on the training thread.</summary>
public interface ITrainingObserver
{
    void OnBatch(BatchProgress progress) { }
    /// <summary>After each epoch, before that epoch's checkpoint.</summary>
    void OnEpoch(EpochMetrics metrics) { }
    /// <summary>
    /// A state to resume from: after every epoch, every <see cref="TrainingOptions.CheckpointEveryBatches"/> batches
    /// when set, and when paused.
    /// </summary>
    void OnCheckpoint(Checkpoint checkpoint) { }
}

/// <summary>Where and how to train; none of it changes the numbers on CPU.</summary>
public sealed record TrainingOptions
{
    /// <summary>"auto" (CUDA when available), "cpu" or "cuda".</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Torch intra-op threads; null leaves torch's default.</summary>
    public int? Threads { get; init; }
    /// <summary>Also checkpoint inside an epoch every N batches (null: only at epoch ends).</summary>
    public int? CheckpointEveryBatches { get; init; }
    /// <summary>Weights to start from instead of seeded initialisation (TorchSharp's module format, as <see cref="ModelFiles"/>
    /// writes them), with a fresh optimiser and epochs counted from 0; ignored when resuming from a checkpoint.</summary>
    public byte[]? InitialWeights { get; init; }
}

public sealed record TrainingResult(TrainingOutcome Outcome, IReadOnlyList<EpochMetrics> Epochs, string? Message);
