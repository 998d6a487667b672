using System.Diagnostics;
using AeGrid.Models.Data;
using AeGrid.Models.Training;
using Spectre.Console;

namespace AeGrid.Client.Training;

/// <summary>What one in-process training run produced.</summary>
internal sealed record FinishedTraining(TrainingResult Result, Checkpoint? LastCheckpoint, double WallSeconds);

/// <summary>
/// Runs <see cref="Trainer.Run"/> in this process, on its own thread (it is synchronous and long), while the
/// calling thread draws the progress bar. Ctrl+C reaches the trainer through <c>cancel</c>; it stops at the next batch.
/// </summary>
internal static class LocalTraining
{
    public static async Task<FinishedTraining> RunAsync(Hyperparameters config, Dataset data, TrainingOptions options,
        IAnsiConsole progressConsole, CancellationToken cancel)
    {
        var observer = new ProgressTrainingObserver(config.Epochs ?? 1);
        var stopwatch = Stopwatch.StartNew();
        var result = await progressConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("preparing the model", maxValue: 1);
                observer.Attach(task);
                var trainingResult = await RunOnOwnThread(() =>
                    Trainer.Run(config, data, options, resume: null, observer, cancel));
                task.StopTask();
                return trainingResult;
            });
        return new(result, observer.LastCheckpoint, stopwatch.Elapsed.TotalSeconds);
    }

    // LongRunning: a dedicated thread, so hours of tensor work never occupy a thread-pool thread.
    private static Task<T> RunOnOwnThread<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
