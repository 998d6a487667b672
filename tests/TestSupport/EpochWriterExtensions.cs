using AeGrid.Abstractions;
using AeGrid.Grains.Store;

namespace AeGrid.TestSupport;

/// <summary>Test-only ways into the <see cref="EpochWriter"/>: production enqueues asynchronously, from the grain.</summary>
public static class EpochWriterExtensions
{
    /// <summary>Enqueues from a plain thread (a test's producer), blocking it while the buffer is full.</summary>
    public static void Enqueue(this EpochWriter writer, EpochReport row) => writer.EnqueueAsync(row).AsTask().GetAwaiter().GetResult();
}
