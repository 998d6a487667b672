namespace AeGrid.Grains.Store;

/// <summary>Settings of the background <see cref="EpochWriter"/>.</summary>
public sealed record StoreWriterOptions
{
    /// <summary>Epoch rows held in memory at most; when full, <see cref="EpochWriter.Enqueue"/> blocks until rows are stored.</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>Epoch rows sent to the store in one write at most.</summary>
    public int MaxBatchSize { get; init; } = 500;

    /// <summary>Wait before the first retry of a failed write; doubles per failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long disposing waits for what is buffered to be stored before giving up on it (and saying so).</summary>
    public TimeSpan DisposeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (Capacity < 1) throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "the buffer must hold at least one row");
        if (MaxBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "a batch must hold at least one row");
        if (FirstRetryDelay <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(FirstRetryDelay), FirstRetryDelay, "the first retry delay must be positive");
        if (MaxRetryDelay < FirstRetryDelay)
            throw new ArgumentOutOfRangeException(nameof(MaxRetryDelay), MaxRetryDelay, $"must be at least {nameof(FirstRetryDelay)} ({FirstRetryDelay})");
        if (DisposeTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(DisposeTimeout), DisposeTimeout, "must not be negative");
    }

    /// <summary>Exponential backoff: first, 2×first, 4×first, … capped at the maximum.</summary>
    internal TimeSpan RetryDelay(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(FirstRetryDelay.Ticks * factor, MaxRetryDelay.Ticks));
    }
}
