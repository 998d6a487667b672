using AeGrid.Abstractions;
using ScottPlot;

namespace AeGrid.Client.Report.Sweep;

/// <summary>
/// The sweep's metric against epoch for its best trials (each its own colour; the training MSE dashed beside the test
/// MSE when the sweep ranks by test_mse), with every pruned trial drawn faded behind them: where pruning cut trials off.
/// </summary>
internal static class LearningCurvesChart
{
    public const string FileName = "learning-curves.png";

    public static SweepPicture? Create(SweepReportData data, int top)
    {
        var metric = data.Metric;
        var best = data.Ordered.Where(t => t.History.Epochs.Any(e => Value(e, metric) is not null)).Take(top).ToList();
        var pruned = data.Trials.Where(t => t.Trial.Status == TrialStatus.Pruned && !best.Contains(t)).ToList();
        if (best.Count == 0 && pruned.Count == 0) return null;
        var withTrain = metric == "test_mse";

        var allValues = best.Concat(pruned).SelectMany(t => t.History.Epochs)
            .SelectMany(e => new[] { Value(e, metric), withTrain ? Value(e, "train_mse") : null })
            .OfType<double>().ToList();
        var log = SweepChartStyle.WantsLogAxis(allValues);
        var plot = SweepChartStyle.NewPlot($"Learning curves: {metric} by epoch", "epoch", metric + (log ? " (log scale)" : ""));

        foreach (var trial in pruned)
            AddCurve(plot, trial, metric, Colors.Gray.WithAlpha(0.35), log, legend: null, width: 1.5f);
        for (int i = 0; i < best.Count; i++)
        {
            var trial = best[i];
            var colour = SweepChartStyle.ColourAt(i);
            var label = $"{trial.ShortId} {trial.Architecture}" + (trial.Trial.Status == TrialStatus.Completed ? "" : $" ({trial.Trial.Status.ToWire()})");
            var faded = trial.Trial.Status == TrialStatus.Pruned;
            AddCurve(plot, trial, metric, faded ? colour.WithAlpha(0.35) : colour, log, label, width: 2.5f);
            if (withTrain) AddCurve(plot, trial, "train_mse", colour.WithAlpha(faded ? 0.25 : 0.7), log, legend: null, width: 1.5f, dashed: true);
        }
        if (log) SweepChartStyle.UseLogTicks(plot.Axes.Left, allValues);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Alignment.UpperRight);

        var caption = $"The {metric} of the {best.Count} best trial(s) after each epoch" +
                      (withTrain ? " (solid: test, dashed: train)" : "") +
                      (pruned.Count > 0 ? $"; {pruned.Count} pruned trial(s) in faded grey, ending where the pruner stopped them" : "") + ".";
        return SweepChartStyle.Encode(plot, FileName, "learning-curves", "Learning curves", caption);
    }

    static void AddCurve(Plot plot, TrialReportRow trial, string metric, Color colour, bool log, string? legend, float width, bool dashed = false)
    {
        var points = trial.History.Epochs.OrderBy(e => e.Epoch)
            .Select(e => (X: (double)e.Epoch, Y: Value(e, metric)))
            .Where(p => p.Y is { } y && (!log || y > 0)).Select(p => (p.X, Y: p.Y!.Value)).ToList();
        if (points.Count == 0) return;
        var ys = points.Select(p => p.Y);
        var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), log ? SweepChartStyle.Log10(ys) : ys.ToArray(), colour);
        scatter.LineWidth = width;
        scatter.MarkerSize = points.Count == 1 ? 7 : 4;
        if (dashed) scatter.LinePattern = LinePattern.Dashed;
        if (legend is not null) scatter.LegendText = legend;
    }

    static double? Value(EpochReport e, string metric) => e.Metric(metric) is { } v && double.IsFinite(v) ? v : null;
}
