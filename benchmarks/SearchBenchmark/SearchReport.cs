using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace AeGrid.SearchBenchmark;

/// <summary>The comparison table, for the console and as a markdown file under benchmarks/results.</summary>
public static class SearchReport
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    static readonly string[] Header =
    [
        "method", "runs", "best test MSE median [min–max]", "epochs trained median [min–max]",
        "epochs to within 2 % median (seeds that got there)", "that ÷ grid's epochs", "wall s median",
    ];

    public static string[] Row(MethodFigures m, double gridEpochs)
    {
        if (m.Runs.Count == 0)
            return [m.Method.Name, "0", "–", "–", "–", "–", m.Skipped.Count > 0 ? "skipped" : "–"];
        var best = m.BestMse;
        var epochs = m.EpochsTrained;
        var toTarget = m.EpochsToTarget;
        return
        [
            m.Method.Name,
            m.Runs.Count.ToString(Invariant),
            $"{Mse(best.Median)} [{Mse(best.Min)}–{Mse(best.Max)}]",
            $"{Count(epochs.Median)} [{Count(epochs.Min)}–{Count(epochs.Max)}]",
            $"{Count(toTarget.Median)} ({m.Reached}/{m.Runs.Count})",
            double.IsFinite(toTarget.Median) && gridEpochs > 0 ? (toTarget.Median / gridEpochs).ToString("0.00", Invariant) : "–",
            m.WallSeconds.Median.ToString("0", Invariant),
        ];
    }

    public static void Print(IReadOnlyList<MethodFigures> methods, TextWriter output)
    {
        var gridEpochs = GridEpochs(methods);
        var rows = methods.Select(m => Row(m, gridEpochs)).ToList();
        var widths = Header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
        output.WriteLine(Line(Header));
        foreach (var row in rows) output.WriteLine(Line(row));
        foreach (var m in methods.Where(m => m.Skipped.Count > 0))
            output.WriteLine($"{m.Method.Name}: skipped: {m.Skipped[0].Skipped}");
        foreach (var line in GoalLines(methods)) output.WriteLine(line);
    }

    /// <summary>The issue's goal, checked on these figures: TPE+ASHA within 2 % using at most a third of grid's epochs, and no worse than Optuna's TPE.</summary>
    public static IEnumerable<string> GoalLines(IReadOnlyList<MethodFigures> methods)
    {
        var grid = methods.FirstOrDefault(m => m.Method == SearchMethod.Grid && m.Runs.Count > 0);
        var tpe = methods.FirstOrDefault(m => m.Method == SearchMethod.TpeAsha && m.Runs.Count > 0);
        var optuna = methods.FirstOrDefault(m => m.Method == SearchMethod.OptunaTpe && m.Runs.Count > 0);
        if (tpe is null)
        {
            yield return "goal: pending: tpe-asha did not run" +
                         (methods.Any(m => m.Method == SearchMethod.TpeAsha) ? " (skipped, see why)" : " (not among --methods)");
            yield break;
        }
        if (grid is not null)
        {
            var third = grid.EpochsTrained.Median / 3;
            var used = tpe.EpochsToTarget.Median;
            yield return string.Create(Invariant,
                $"goal 1 ({(used <= third ? "met" : "missed")}): tpe-asha came within 2 % after {Count(used)} epochs (median); a third of grid's is {third:0}");
        }
        if (optuna is not null)
        {
            var ours = tpe.BestMse.Median;
            var theirs = optuna.BestMse.Median;
            yield return string.Create(Invariant,
                $"goal 2 ({(ours <= theirs ? "met" : "missed")}): tpe-asha best MSE {Mse(ours)} (median) vs optuna-tpe {Mse(theirs)}, " +
                $"with {Count(tpe.EpochsTrained.Median)} vs {Count(optuna.EpochsTrained.Median)} epochs");
        }
    }

    public static string Markdown(IReadOnlyList<MethodFigures> methods, SearchOptions options, string commandLine,
        DateTimeOffset startedAt, TimeSpan total, string loadAtStart)
    {
        var gridEpochs = GridEpochs(methods);
        var target = methods.SelectMany(m => m.Runs).Select(r => r.BestMse).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        var md = new StringBuilder();
        md.AppendLine(Invariant, $"# Search benchmark, {startedAt:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(Invariant, $"Command: `{commandLine}` ({total.TotalMinutes:0.0} min in all)");
        md.AppendLine();
        md.AppendLine(Invariant, $"Machine: {Environment.ProcessorCount} cores, {MemoryGiB():0} GiB, {RuntimeInformation.OSDescription}, " +
                                 $".NET {Environment.Version}; {options.Slots} trainings at once, 1 torch thread each. " +
                                 $"Load average at the start {loadAtStart}, at the end {LoadAverage()} (wall times stretch with other work on the machine; epochs and MSE do not).");
        md.AppendLine();
        md.AppendLine(Invariant, $"Space: `{DenoisingSpace.Architecture}` on {DenoisingSpace.Dataset} ({options.Limit} training images, all 10,000 test images), " +
                                 $"noise {DenoisingSpace.NoiseFactor} unclipped; lr loguniform [{DenoisingSpace.LrLow}, {DenoisingSpace.LrHigh}] " +
                                 $"(grid: {string.Join(", ", DenoisingSpace.GridLearningRates)}), batch_size {{{string.Join(", ", DenoisingSpace.BatchSizes)}}}, " +
                                 $"hidden_sizes {{{string.Join(", ", DenoisingSpace.HiddenSizes.Select(DenoisingSpace.ListYaml))}}} " +
                                 $"(pbt: {DenoisingSpace.ListYaml(DenoisingSpace.PbtHiddenSizes)} only). " +
                                 $"Budget per run: {options.BudgetEpochs} epochs ({DenoisingSpace.GridSize} trials × {options.Epochs} epochs); " +
                                 $"{options.Seeds} seed(s). Best test MSE of all runs: {Mse(target)}; within 2 % means ≤ {Mse(target * (1 + RunFigures.Tolerance))}.");
        md.AppendLine();
        md.AppendLine("| " + string.Join(" | ", Header) + " |");
        md.AppendLine("|---|" + string.Concat(Header.Skip(1).Select(_ => "---:|")));
        foreach (var m in methods) md.AppendLine("| " + string.Join(" | ", Row(m, gridEpochs)) + " |");
        md.AppendLine();
        foreach (var line in GoalLines(methods)) md.AppendLine($"- {line}");
        foreach (var m in methods.Where(m => m.Skipped.Count > 0)) md.AppendLine($"- {m.Method.Name} skipped: {m.Skipped[0].Skipped}");
        md.AppendLine();

        md.AppendLine("## Every run");
        md.AppendLine();
        md.AppendLine("| method | seed | best test MSE | epochs trained | epochs to within 2 % | trials by status | wall s | note |");
        md.AppendLine("|---|---:|---:|---:|---:|---|---:|---|");
        foreach (var r in methods.SelectMany(m => m.Runs))
            md.AppendLine(Invariant, $"| {r.Run.Method.Name} | {r.Run.Seed} | {Mse(r.BestMse)} | {r.EpochsTrained} | {(r.EpochsToTarget?.ToString(Invariant) ?? "never")} | " +
                                     $"{string.Join(", ", r.Run.TrialsByStatus.Select(kv => $"{kv.Value} {kv.Key}"))} | {r.Run.Wall.TotalSeconds:0} | {r.Run.Problem} |");
        md.AppendLine();

        md.AppendLine("## Sweep files (seed 1)");
        md.AppendLine();
        foreach (var m in methods.Where(m => m.Method.Search is not null))
        {
            md.AppendLine("```yaml");
            md.AppendLine(SweepFile.Yaml(m.Method, 1, options).TrimEnd());
            md.AppendLine("```");
        }
        md.AppendLine();
        md.AppendLine("optuna-tpe runs `benchmarks/SearchBenchmark/optuna_tpe.py` (TPESampler(seed), 10 start-up trials, 24 candidates, " +
                      $"n_jobs {options.Slots}) with the same space, {options.Trials} trials of `aegrid train --json` each; a trial's value is its last epoch's test MSE.");
        return md.ToString();
    }

    static double GridEpochs(IReadOnlyList<MethodFigures> methods) =>
        methods.FirstOrDefault(m => m.Method == SearchMethod.Grid && m.Runs.Count > 0)?.EpochsTrained.Median ?? double.NaN;

    static string Mse(double value) => double.IsFinite(value) ? value.ToString("0.00000", Invariant) : "–";
    static string Count(double value) => double.IsPositiveInfinity(value) ? "never" : double.IsNaN(value) ? "–" : value.ToString("0", Invariant);
    /// <summary>The 1-minute load average, or "unknown" off Linux.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    static double MemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
}
