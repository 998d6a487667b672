using System.Globalization;
using System.Text;

namespace AeGrid.TrainingBenchmark;

/// <summary>The medians as a table (console and markdown) with the machine and the formula behind "% of limit".</summary>
internal sealed class TrainingReport(BenchmarkOptions options, IReadOnlyList<Case> cases, IReadOnlyList<string> sides,
    IReadOnlyDictionary<Case, CaseResults> results, IReadOnlyDictionary<int, double> gemm, string slots, DateTime started)
{
    bool HasBefore => sides.Contains(TrainingRun.Before);

    public string Table()
    {
        var header = new List<string> { "recipe", "batch", "thr", "AeGrid/s" };
        if (HasBefore) header.AddRange(["before/s", "after÷before"]);
        header.AddRange(["PyTorch/s", "AeGrid÷PyTorch", "MFLOP/sample", "GEMM GFLOP/s", "AeGrid % limit", "PyTorch % limit", "AeGrid RSS MB/epoch"]);
        var rows = new List<string[]> { header.ToArray() };
        foreach (var c in cases)
        {
            var r = results[c];
            double aegrid = TrainingRun.Median(r.Rates[TrainingRun.AeGrid]), pytorch = TrainingRun.Median(r.Rates[TrainingRun.PyTorch]);
            double limit = gemm[c.Threads];
            var row = new List<string> { c.Recipe.Name, N(c.Batch), N(c.Threads), F(aegrid, 0) };
            if (HasBefore)
            {
                double before = TrainingRun.Median(r.Rates[TrainingRun.Before]);
                row.AddRange([F(before, 0), F(aegrid / before, 2) + "×"]);
            }
            row.AddRange([F(pytorch, 0), F(aegrid / pytorch, 2) + "×", F(c.Recipe.TrainingFlopsPerSample / 1e6, 2), F(limit / 1e9, 1),
                F(100 * aegrid * c.Recipe.TrainingFlopsPerSample / limit, 1) + " %", F(100 * pytorch * c.Recipe.TrainingFlopsPerSample / limit, 1) + " %",
                string.Join("→", r.Rss[TrainingRun.AeGrid].LastOrDefault(x => x.Length > 0, []).Select(v => F(v, 0)))]);
            rows.Add(row.ToArray());
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows) text.AppendLine(string.Join("  ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))));
        return text.ToString();
    }

    public string Markdown(string command)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Training benchmark, {started:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        var openMp = new[] { "GOMP_SPINCOUNT", "OMP_WAIT_POLICY" }.Where(v => Environment.GetEnvironmentVariable(v) is not null)
            .Select(v => $"{v}={Environment.GetEnvironmentVariable(v)}").ToList();
        text.AppendLine($"Command: `{(openMp.Count > 0 ? string.Join(' ', openMp) + " " : "")}{command}` (OpenMP settings apply to every side)");
        text.AppendLine();
        text.AppendLine($"Machine: {Machine()}, .NET {Environment.Version}; {options.Runs} runs per side, sides alternating, medians; " +
                        $"{options.Epochs} epochs per measurement, the last epoch's training-loop rate.");
        text.AppendLine();
        text.AppendLine("GEMM limit (TorchSharp matmul " + options.GemmSize + "², medians): " +
                        string.Join(", ", gemm.Select(g => $"{g.Key} thread(s) {g.Value / 1e9:F1} GFLOP/s")) + ".");
        text.AppendLine("% limit = 3 × forward GEMM/conv FLOPs per sample × samples/s ÷ GEMM rate at that thread count.");
        text.AppendLine();
        var lines = Table().TrimEnd().Split('\n');
        var cells = lines.Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToArray()).ToList();
        text.AppendLine("| " + string.Join(" | ", cells[0]) + " |");
        text.AppendLine("|" + string.Concat(cells[0].Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var row in cells.Skip(1)) text.AppendLine("| " + string.Join(" | ", row) + " |");
        text.AppendLine();
        text.AppendLine(slots);
        text.AppendLine();
        text.AppendLine("Every run (samples/s):");
        text.AppendLine();
        foreach (var c in cases)
            text.AppendLine($"- {c.Recipe.Name} batch {c.Batch}, {c.Threads} thread(s): " +
                            string.Join("; ", sides.Select(s => $"{s} " + string.Join(", ", results[c].Rates[s].Select(v => F(v, 0))))));
        return text.ToString();
    }

    static string Machine()
    {
        string model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        return $"{model}, {Environment.ProcessorCount} cores";
    }

    static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
    static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
