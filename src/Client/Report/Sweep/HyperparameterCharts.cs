using System.Globalization;
using AeGrid.Abstractions;
using AeGrid.Client.Output;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AeGrid.Client.Report.Sweep;

/// <summary>
/// The sweep's metric against each hyperparameter it varied (values as trained), one dot per trial coloured by
/// architecture, and against the architecture itself when there are several. Numbers get a log axis when they span a
/// decade (or a factor of 3 for the learning rate); other values (optimizer, hidden sizes) are categories.
/// Completed trials are solid dots; pruned and unfinished ones (where they stood) are faded.
/// </summary>
internal static class HyperparameterCharts
{
    /// <summary>The seed varies in many sweeps but is noise, not a setting to tune.</summary>
    static readonly HashSet<string> NotTuned = [HyperparameterCatalog.Seed, HyperparameterCatalog.Dataset, HyperparameterCatalog.Limit];

    public static IReadOnlyList<SweepPicture> Create(SweepReportData data)
    {
        var scored = data.Trials.Where(t => t.LastValue(data.Metric) is not null).ToList();
        if (scored.Count == 0) return [];
        var pictures = new List<SweepPicture>();
        if (data.Architectures.Count > 1)
            pictures.Add(Chart(data, scored, HyperparameterCatalog.Architecture, t => t.Architecture));
        foreach (var name in data.Varying.Names.Where(n => !NotTuned.Contains(n)))
            pictures.Add(Chart(data, scored, name, t => HyperparameterColumns.AsTrained(t.Trial.Parameters).GetValueOrDefault(name, "")));
        return pictures;
    }

    static SweepPicture Chart(SweepReportData data, List<TrialReportRow> trials, string name, Func<TrialReportRow, string> valueOf)
    {
        var texts = trials.Select(valueOf).ToList();
        var numbers = texts.Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null).ToList();
        var numeric = name != HyperparameterCatalog.Architecture && numbers.All(n => n is not null);
        var categories = numeric ? [] : texts.Distinct().Order(StringComparer.Ordinal).ToList();
        var logX = numeric && SweepChartStyle.WantsLogAxis(numbers.Select(n => n!.Value), searchedOnLogScale: name == HyperparameterCatalog.LearningRate);
        var metricValues = trials.Select(t => t.LastValue(data.Metric)!.Value).ToList();
        var logY = SweepChartStyle.WantsLogAxis(metricValues);

        var plot = SweepChartStyle.NewPlot($"{data.Metric} against {name}", name + (logX ? " (log scale)" : ""),
            data.Metric + (logY ? " (log scale)" : ""));
        // Fixed seed: the same sweep always gives the same picture.
        var jitter = new Random(0);
        foreach (var architecture in data.Architectures)
        {
            foreach (var completed in new[] { true, false })
            {
                var members = Enumerable.Range(0, trials.Count)
                    .Where(i => trials[i].Architecture == architecture && (trials[i].Trial.Status == TrialStatus.Completed) == completed)
                    .ToList();
                if (members.Count == 0) continue;
                var xs = members.Select(i => numeric
                    ? (logX ? Math.Log10(numbers[i]!.Value) : numbers[i]!.Value)
                    : categories.IndexOf(texts[i]) + (jitter.NextDouble() - 0.5) * 0.3).ToArray();
                var ys = members.Select(i => logY ? Math.Log10(metricValues[i]) : metricValues[i]).ToArray();
                var colour = SweepChartStyle.ColourOf(architecture, data.Architectures);
                var markers = plot.Add.Markers(xs, ys, completed ? MarkerShape.FilledCircle : MarkerShape.OpenCircle,
                    completed ? 9 : 7, completed ? colour : colour.WithAlpha(0.5));
                markers.LegendText = completed ? architecture : $"{architecture} (pruned or unfinished)";
            }
        }
        var distinct = numeric ? numbers.Select(n => n!.Value).Distinct().Order().ToList() : [];
        if (numeric && distinct.Count <= 8)
            // A grid's few values: a tick at each, labelled as the sweep file would write it.
            plot.Axes.Bottom.TickGenerator = new NumericManual([.. distinct.Select(v => logX ? Math.Log10(v) : v)],
                [.. distinct.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))]);
        else if (logX) SweepChartStyle.UseLogTicks(plot.Axes.Bottom, numbers.Select(n => n!.Value));
        if (!numeric)
        {
            plot.Axes.Bottom.TickGenerator = new NumericManual(
                Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), categories.ToArray());
            plot.Axes.SetLimitsX(-0.6, categories.Count - 0.4);
        }
        if (logY) SweepChartStyle.UseLogTicks(plot.Axes.Left, metricValues);
        plot.ShowLegend(Alignment.UpperRight);

        var best = data.Maximize ? "higher is better" : "lower is better";
        var caption = $"Each trial's {data.Metric} at its last stored epoch ({best}) against its {name}" +
                      (name == HyperparameterCatalog.Architecture ? "" : ", coloured by architecture") +
                      ". Solid dots: completed trials; open circles: pruned or unfinished trials, where they stood.";
        var file = "metric-vs-" + new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()) + ".png";
        return SweepChartStyle.Encode(plot, file, "hyperparameter", $"{data.Metric} against {name}", caption);
    }
}
