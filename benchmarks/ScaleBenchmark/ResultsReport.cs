using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace AeGrid.ScaleBenchmark;

/// <summary>The results table, for the console and as a markdown file under benchmarks/results.</summary>
public static class ResultsReport
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    static readonly string[] Header =
    [
        "silos", "trials done", "bookkeeping/trial p50 / p99 ms", "wall s", "trials/min", "admission→1st batch p50 / p99 ms", "queueing p50 / p99 s",
        "slot turnaround p50 / p99 ms", "slots busy", "overhead/trial p50 / p99 ms", "training/trial p50 ms",
    ];

    public static string[] Row(ScaleRun.Outcome run)
    {
        var f = run.Figures;
        return
        [
            f.Silos.ToString(Invariant),
            $"{f.Completed}/{f.Trials}{(run.TimedOut ? " (timed out)" : "")}",
            $"{Ms(f.Bookkeeping.P50)} / {Ms(f.Bookkeeping.P99)}",
            f.Wall.TotalSeconds.ToString("0.0", Invariant),
            f.TrialsPerMinute.ToString("0.0", Invariant),
            $"{Ms(f.AdmissionToFirstBatch.P50)} / {Ms(f.AdmissionToFirstBatch.P99)}",
            $"{S(f.Queueing.P50)} / {S(f.Queueing.P99)}",
            $"{Ms(f.SlotTurnaround.P50)} / {Ms(f.SlotTurnaround.P99)}",
            f.SlotBusy.ToString("P0", Invariant),
            $"{Ms(f.Overhead.P50)} / {Ms(f.Overhead.P99)}",
            Ms(f.TrainingSeconds.P50),
        ];
    }

    public static void Print(IReadOnlyList<ScaleRun.Outcome> runs)
    {
        var rows = runs.Select(Row).ToList();
        var widths = Header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((c, i) => c.PadLeft(widths[i])));
        Console.WriteLine(Line(Header));
        foreach (var row in rows) Console.WriteLine(Line(row));
        foreach (var growth in Growth(runs)) Console.WriteLine(growth);
    }

    /// <summary>Per cluster size, how the bookkeeping per trial grew from the smallest sweep to the largest.</summary>
    public static IEnumerable<string> Growth(IReadOnlyList<ScaleRun.Outcome> runs) =>
        runs.GroupBy(r => r.Figures.Silos).Where(g => g.Select(r => r.Figures.Trials).Distinct().Count() > 1).Select(g =>
        {
            var smallest = g.MinBy(r => r.Figures.Trials)!.Figures;
            var largest = g.MaxBy(r => r.Figures.Trials)!.Figures;
            return string.Create(Invariant,
                $"{g.Key} silo(s): bookkeeping/trial p50 {Ms(smallest.Bookkeeping.P50)} ms at {smallest.Trials} trials → " +
                $"{Ms(largest.Bookkeeping.P50)} ms at {largest.Trials}: ×{largest.Bookkeeping.P50 / smallest.Bookkeeping.P50:0.00} " +
                $"(p99 ×{largest.Bookkeeping.P99 / smallest.Bookkeeping.P99:0.00})");
        });

    public static string Markdown(IReadOnlyList<ScaleRun.Outcome> runs, BenchmarkOptions options, string sweepYaml, string commandLine,
        DateTimeOffset startedAt)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant, $"# Scale benchmark, {startedAt:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(Invariant, $"Command: `{commandLine}`");
        md.AppendLine();
        md.AppendLine(Invariant, $"Machine: {Environment.ProcessorCount} cores, {MemoryGiB():0} GiB, {RuntimeInformation.OSDescription}, " +
                                 $".NET {Environment.Version}. PostgreSQL 15 (throwaway server, fsync off) on the same machine. " +
                                 $"Each silo: `aegrid silo --slots 1 --threads 1 --fast-failure-detection` on loopback; its own database per configuration.");
        md.AppendLine();
        md.AppendLine("| " + string.Join(" | ", Header) + " |");
        md.AppendLine("|" + string.Concat(Header.Select(_ => "---:|")));
        foreach (var run in runs) md.AppendLine("| " + string.Join(" | ", Row(run)) + " |");
        md.AppendLine();
        foreach (var growth in Growth(runs)) md.AppendLine("- " + growth);
        md.AppendLine();

        md.AppendLine("## Distributions (seconds: n, p50, p99, max, mean)");
        md.AppendLine();
        foreach (var run in runs)
        {
            var f = run.Figures;
            md.AppendLine(Invariant, $"**{f.Silos} silo(s), {f.Trials} trials** — sweep `{run.SweepId}`, cluster start-up {run.ClusterStartup.TotalSeconds:0.0} s, " +
                                     $"{f.Attempts} attempts, trials by status: {string.Join(", ", f.ByStatus.Select(kv => $"{kv.Value} {kv.Key}"))}; " +
                                     $"attempts per silo: {string.Join(", ", f.AttemptsPerSilo.Values)}; attempts without a first-batch stamp: {f.MissingFirstBatch}.");
            md.AppendLine();
            md.AppendLine(Spread("admission → first batch", f.AdmissionToFirstBatch));
            md.AppendLine(Spread("queueing (created → first start)", f.Queueing));
            md.AppendLine(Spread("slot turnaround (end → next start, same silo)", f.SlotTurnaround));
            md.AppendLine(Spread("attempt duration", f.AttemptDuration));
            md.AppendLine(Spread("training seconds per trial (epoch wall_seconds)", f.TrainingSeconds));
            md.AppendLine(Spread("overhead per trial (attempts − training)", f.Overhead));
            md.AppendLine(Spread("bookkeeping per trial (previous end on the slot → this end − training)", f.Bookkeeping));
            md.AppendLine();
        }

        md.AppendLine("## Sweep");
        md.AppendLine();
        md.AppendLine("```yaml");
        md.AppendLine(sweepYaml.TrimEnd());
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine(Invariant, $"This machine has {Environment.ProcessorCount} cores: with {options.SiloCounts.Max()} silos, PostgreSQL and " +
                                 $"the benchmark on it, the silos contend for CPU, so per-silo figures get worse as silos are added. " +
                                 $"See benchmarks/README.md for what each figure means.");
        return md.ToString();
    }

    static string Spread(string label, Spread s) => string.Create(Invariant,
        $"- {label}: n={s.Count}, p50 {s.P50:0.000}, p99 {s.P99:0.000}, max {s.Max:0.000}, mean {s.Mean:0.000}");

    static string Ms(double seconds) => double.IsNaN(seconds) ? "–" : (seconds * 1000).ToString("0", Invariant);
    static string S(double seconds) => double.IsNaN(seconds) ? "–" : seconds.ToString("0.0", Invariant);

    static double MemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
}
