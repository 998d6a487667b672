namespace AeGrid.Models.Training;

/// <summary>
/// Everything needed to continue a run exactly: model and optimiser state, the position (epoch, batch) and the
/// partial sums of the epoch in progress. Shuffling and noise are derived from (seed, epoch, batch), so the
/// position is the RNG state. <see cref="Bytes"/> is self-describing and versioned (see <see cref="CheckpointFormat"/>).
/// </summary>
public sealed record Checkpoint(int Epoch, int Batch, byte[] Bytes)
{
    /// <summary>Completed epochs; Batch is the number of batches done in epoch Epoch+1 (0 at an epoch boundary).</summary>
    public bool AtEpochBoundary => Batch == 0;
}

/// <summary>Checkpoint bytes that cannot be used: not a checkpoint, damaged, of an unknown version, or made for another model.</summary>
public sealed class CheckpointFormatException(string message, Exception? inner = null) : Exception(message, inner);
