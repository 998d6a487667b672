namespace AeGrid.Grains.Store;

/// <summary>Settings of the background <see cref="EpochWriter"/>.</summary>
public sealed record StoreWriterOptions
{
    /// <summary>Epoch rows held in memory at most; when full, <see cref="EpochWriter.EnqueueAsync"/> waits until rows are stored.</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>Epoch rows sent to the store in one write at most.</summary>
    public int MaxBatchSize { get; init; } = 500;

    /// <summary>How long disposing waits for what is buffered to be stored before giving up on it (and saying so).</summary>
    public TimeSpan DisposeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (Capacity < 1) throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "the buffer must hold at least one row");
        if (MaxBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "a batch must hold at least one row");
        if (DisposeTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(DisposeTimeout), DisposeTimeout, "must not be negative");
    }
}
