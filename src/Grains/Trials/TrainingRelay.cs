using System.Threading.Channels;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Trials;

/// <summary>
/// The only thing the training thread touches: it turns Trainer callbacks into messages the trial grain reads on its
/// own scheduler (epochs, checkpoints) plus a latest-progress value read by a timer. Never grain fields.
/// </summary>
internal sealed class TrainingRelay : ITrainingObserver
{
    readonly Channel<object> _events = Channel.CreateUnbounded<object>(new() { SingleReader = true, SingleWriter = true });
    // Continuations must not run on the training thread: they belong to the grain's scheduler.
    readonly TaskCompletionSource<bool> _firstBatch = new(TaskCreationOptions.RunContinuationsAsynchronously);
    volatile object? _latest; // a boxed BatchProgress: one reference write per batch, torn reads impossible

    public ChannelReader<object> Events => _events.Reader;
    public BatchProgress? Latest => _latest as BatchProgress?;
    /// <summary>True as soon as the first batch finished; false when training ended without one.</summary>
    public Task<bool> FirstBatch => _firstBatch.Task;

    public void OnBatch(BatchProgress progress)
    {
        _latest = progress;
        _firstBatch.TrySetResult(true);
    }

    public void OnEpoch(EpochMetrics metrics) => _events.Writer.TryWrite(metrics);
    public void OnCheckpoint(Checkpoint checkpoint) => _events.Writer.TryWrite(checkpoint);

    public void Complete()
    {
        _firstBatch.TrySetResult(false);
        _events.Writer.TryComplete();
    }
}
