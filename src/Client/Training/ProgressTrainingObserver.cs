using AeGrid.Client.Output;
using AeGrid.Models.Training;
using Spectre.Console;

namespace AeGrid.Client.Training;

/// <summary>
/// Turns the trainer's per-batch callbacks into one progress bar over all epochs, and keeps the latest checkpoint
/// (the weights --out saves). Called on the training thread; Spectre's ProgressTask is thread-safe.
/// </summary>
internal sealed class ProgressTrainingObserver(int plannedEpochs) : ITrainingObserver
{
    private ProgressTask? _task;

    /// <summary>The most recent state handed out by the trainer; after the run, the final weights.</summary>
    public Checkpoint? LastCheckpoint { get; private set; }

    public void Attach(ProgressTask task) => _task = task;

    public void OnBatch(BatchProgress progress)
    {
        if (_task is null || progress.BatchesPerEpoch <= 0)
        {
            return;
        }
        var totalBatches = (double)plannedEpochs * progress.BatchesPerEpoch;
        _task.MaxValue = totalBatches;
        _task.Value = Math.Min(totalBatches, (double)(progress.Epoch - 1) * progress.BatchesPerEpoch + progress.Batch);
        _task.Description =
            $"epoch {progress.Epoch}/{plannedEpochs}  batch {progress.Batch}/{progress.BatchesPerEpoch}  " +
            $"loss {Formats.Metric(progress.Loss)}  {Formats.Rate(progress.SamplesPerSecond)} samples/s";
    }

    public void OnEpoch(EpochMetrics metrics)
    {
        if (_task is not null)
        {
            _task.Description = $"epoch {metrics.Epoch}/{plannedEpochs} done  test MSE {Formats.Metric(metrics.TestMse)}  " +
                                $"{Formats.Rate(metrics.SamplesPerSecond)} samples/s";
        }
    }

    public void OnCheckpoint(Checkpoint checkpoint) => LastCheckpoint = checkpoint;
}
