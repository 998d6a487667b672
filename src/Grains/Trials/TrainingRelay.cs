using System.Collections.Concurrent;
using System.Threading.Channels;
using AeGrid.Abstractions;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Trials;

/// <summary>
/// The only thing the training thread touches: it turns Trainer callbacks into messages the trial grain reads on its
/// own scheduler (epochs, checkpoint notices) plus latest values read when needed (progress, the newest checkpoint).
/// Never grain fields.
/// </summary>
/// <remarks>
/// Checkpoints do not queue: only the newest one is ever worth storing, and when an epoch trains faster than a
/// checkpoint is written, queued checkpoints would pile up in memory and make a cancel or a hand-off wait until every
/// one of them was stored.
/// </remarks>
/// <param name="snapshotEveryEpochs">pbt: epoch-end checkpoints at multiples of this are also queued apart as snapshots,
/// each one stored (another trial may exploit it), never replaced by a newer one: a few per trial, each taken at once.</param>
/// <param name="awaitsVerdicts">The sweep decides about epochs (a pruner or pbt): after an epoch's end checkpoint the
/// training thread waits for that epoch's verdict (<see cref="Decide"/>) before it starts the next epoch, so a pruned or
/// exploited trial stops at the epoch it was judged at and trains nothing the verdict throws away.</param>
/// <param name="released">Ends any wait for a verdict: the attempt was stopped, fenced out or is handing off.</param>
internal sealed class TrainingRelay(int? snapshotEveryEpochs = null, bool awaitsVerdicts = false, CancellationToken released = default)
    : ITrainingObserver
{
    /// <summary>The message that says a newer checkpoint is waiting in <see cref="TakeCheckpoint"/>.</summary>
    public static readonly object CheckpointReady = new();

    readonly Channel<object> _events = Channel.CreateUnbounded<object>(new() { SingleReader = true, SingleWriter = true });
    // Continuations must not run on the training thread: they belong to the grain's scheduler.
    readonly TaskCompletionSource<bool> _firstBatch = new(TaskCreationOptions.RunContinuationsAsynchronously);
    volatile object? _latest; // a boxed BatchProgress: one reference write per batch, torn reads impossible
    Checkpoint? _checkpoint;
    readonly ConcurrentQueue<Checkpoint> _snapshots = new();
    readonly ConcurrentDictionary<int, TaskCompletionSource<EpochVerdict>> _verdicts = new();

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

    public void OnCheckpoint(Checkpoint checkpoint)
    {
        if (snapshotEveryEpochs is { } every && checkpoint.Batch == 0 && checkpoint.Epoch > 0 && checkpoint.Epoch % every == 0)
            _snapshots.Enqueue(checkpoint);
        Volatile.Write(ref _checkpoint, checkpoint);
        _events.Writer.TryWrite(CheckpointReady);
        // After the checkpoint is handed over, not before: a pbt trial reports a snapshot epoch only once its snapshot is
        // stored, and that report is what brings the verdict.
        if (awaitsVerdicts && checkpoint.Batch == 0 && checkpoint.Epoch > 0) WaitForVerdict(checkpoint.Epoch);
    }

    /// <summary>Blocks the training thread until <paramref name="epoch"/>'s verdict is decided, or the attempt is released.</summary>
    void WaitForVerdict(int epoch)
    {
        try
        {
            VerdictOf(epoch).Wait(released);
        }
        catch (OperationCanceledException)
        {
            // Stopped, fenced out or pausing: the trainer sees its own tokens at the next batch.
        }
    }

    /// <summary>The verdict on <paramref name="epoch"/>, once <see cref="Decide"/> was called for it.</summary>
    public Task<EpochVerdict> VerdictOf(int epoch) => Verdict(epoch).Task;

    /// <summary>Settles <paramref name="epoch"/>'s verdict, releasing whoever waits for it; false when it was settled already
    /// (the grain gave up waiting and went on, then the sweep's verdict came late).</summary>
    public bool Decide(int epoch, EpochVerdict verdict) => Verdict(epoch).TrySetResult(verdict);

    // Continuations must not run on the thread that decides (the grain's): the pump awaits these on the grain scheduler.
    TaskCompletionSource<EpochVerdict> Verdict(int epoch) =>
        _verdicts.GetOrAdd(epoch, _ => new TaskCompletionSource<EpochVerdict>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>
    /// The newest checkpoint, if it covers only epochs the reader has already read (<paramref name="epochsRead"/>): its
    /// epoch rows must be stored before it is. Null when there is none, or when it is ahead of the reader (its own
    /// <see cref="CheckpointReady"/> comes after the epoch it covers).
    /// </summary>
    public Checkpoint? TakeCheckpoint(int epochsRead) => Take(ref _checkpoint, epochsRead);

    /// <summary>The oldest snapshot not yet taken, if it covers only epochs read (as for <see cref="TakeCheckpoint"/>).</summary>
    public Checkpoint? TakeSnapshot(int epochsRead) =>
        _snapshots.TryPeek(out var oldest) && oldest.Epoch <= epochsRead && _snapshots.TryDequeue(out oldest) ? oldest : null;

    static Checkpoint? Take(ref Checkpoint? slot, int epochsRead)
    {
        var newest = Volatile.Read(ref slot);
        if (newest is null || newest.Epoch > epochsRead) return null;
        return Interlocked.CompareExchange(ref slot, null, newest) == newest ? newest : null;
    }

    public void Complete()
    {
        _firstBatch.TrySetResult(false);
        _events.Writer.TryComplete();
    }
}
