using System.Diagnostics;
using System.Runtime.InteropServices;
using AeGrid.Models.Training;

namespace AeGrid.FusionBenchmark;

/// <summary>
/// Stamps every batch of one run (the first member's, for a pack) with the wall clock and the training thread's CPU
/// time. With one intra-op thread all of a batch's arithmetic runs on that thread, so its CPU time is the work the
/// batch costs, whatever else the shared machine runs; the median over batches ignores the epoch's first batch
/// (it draws the shuffle) and any batch that was preempted.
/// </summary>
internal sealed class BatchClock : ITrainingObserver
{
    readonly List<(int Batch, double Wall, double Cpu)> stamps = [];
    readonly Stopwatch wall = Stopwatch.StartNew();

    public void OnBatch(BatchProgress progress) => stamps.Add((progress.Batch, wall.Elapsed.TotalSeconds, ThreadCpuSeconds()));

    /// <summary>Median seconds per batch between consecutive full batches of one epoch.</summary>
    public (double Wall, double Cpu) MedianBatchSeconds(int batchSize, int images)
    {
        int fullBatches = images / batchSize;
        var deltas = stamps.Zip(stamps.Skip(1))
            .Where(pair => pair.Second.Batch == pair.First.Batch + 1 && pair.Second.Batch <= fullBatches)
            .Select(pair => (Wall: pair.Second.Wall - pair.First.Wall, Cpu: pair.Second.Cpu - pair.First.Cpu)).ToList();
        return (Median(deltas.Select(d => d.Wall)), Median(deltas.Select(d => d.Cpu)));
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    static double ThreadCpuSeconds()
    {
        const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID on Linux
        return clock_gettime(ClockThreadCpuTime, out var time) == 0 ? time.Seconds + time.Nanoseconds * 1e-9 : double.NaN;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    static extern int clock_gettime(int clock, out TimeSpec time);
}
