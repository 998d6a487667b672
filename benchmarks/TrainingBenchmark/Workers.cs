using System.Diagnostics;
using System.Text.Json;
using AeGrid.Models.Data;
using AeGrid.Models.Training;
using static TorchSharp.torch;

namespace AeGrid.TrainingBenchmark;

/// <summary>
/// What one child process measures and prints as a JSON line. Every measurement runs in a fresh process, so one
/// thread setting or warm allocator never leaks into the next.
/// </summary>
internal static class Workers
{
    /// <summary>AeGrid's training loop (<see cref="Trainer.Run"/>, as `aegrid train` calls it) on its own thread.</summary>
    public static int Training(string dataDirectory, string recipe, int batch, int threads, int images, int epochs)
    {
        var full = DatasetCatalog.Load(dataDirectory);
        // A small test split: the evaluation after each epoch is not part of the training rate and should not take the time.
        var data = new Dataset(full.Name, full.Train.Take(images), full.Test.Take(200));
        var config = new Hyperparameters { Architecture = recipe, BatchSize = batch, Epochs = epochs, Seed = 1 };
        var observer = new MemoryObserver();
        var options = new TrainingOptions { Device = "cpu", Threads = threads };
        var result = Task.Factory.StartNew(() => Trainer.Run(config, data, options, null, observer, CancellationToken.None),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Result;
        if (result.Outcome != TrainingOutcome.Completed) throw new InvalidOperationException($"{recipe}: {result.Outcome} {result.Message}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            samples_per_s = result.Epochs[^1].SamplesPerSecond,
            epoch_seconds = result.Epochs.Select(e => e.WallSeconds).ToArray(),
            rss_mb = observer.RssMegabytes,
            native_threads = get_num_threads(),
        }));
        return 0;
    }

    /// <summary>The machine's GEMM rate at this thread count: a square float32 matmul, repeated for about a second.</summary>
    public static int Gemm(int threads, int size)
    {
        var rate = Task.Factory.StartNew(() =>
        {
            set_num_threads(threads);
            using var a = randn(size, size);
            using var b = randn(size, size);
            for (int i = 0; i < 3; i++) a.matmul(b).Dispose();
            var clock = Stopwatch.StartNew();
            int runs = 0;
            while (clock.Elapsed.TotalSeconds < 1.0) { a.matmul(b).Dispose(); runs++; }
            return 2.0 * size * size * size * runs / clock.Elapsed.TotalSeconds;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Result;
        Console.WriteLine(JsonSerializer.Serialize(new { flops_per_s = rate }));
        return 0;
    }

    /// <summary>
    /// Process RSS after every epoch, after a full collection: it must stay flat (no per-batch leak of native tensors).
    /// Collected first because each epoch's checkpoint leaves megabytes of large-object garbage (the serialised weights
    /// and optimiser state) that a quiet .NET heap may keep for many epochs; that is not a leak, and would hide one.
    /// </summary>
    sealed class MemoryObserver : ITrainingObserver
    {
        public List<double> RssMegabytes { get; } = [];

        public void OnEpoch(EpochMetrics metrics)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            RssMegabytes.Add(Math.Round(process.WorkingSet64 / 1048576.0, 1));
        }
    }
}
