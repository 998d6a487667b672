using AeGrid.Abstractions;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AeGrid.Client.Report.Sweep;

/// <summary>
/// What the sweep's trials came to and what faults cost: trials by state, and attempts per trial (every attempt past the
/// first is a retry after a failure or a lost silo) with the epochs trained again because of them.
/// </summary>
internal static class TrialStateCharts
{
    static readonly Dictionary<TrialStatus, Color> StateColours = new()
    {
        [TrialStatus.Pending] = Colors.LightGray,
        [TrialStatus.Running] = Colors.SteelBlue,
        [TrialStatus.Completed] = Colors.ForestGreen,
        [TrialStatus.Pruned] = Colors.GoldenRod,
        [TrialStatus.Diverged] = Colors.DarkOrange,
        [TrialStatus.Failed] = Colors.FireBrick,
        [TrialStatus.Cancelled] = Colors.DimGray,
    };

    public static IReadOnlyList<SweepPicture> Create(SweepReportData data) => data.Trials.Count == 0 ? [] : [States(data), Attempts(data)];

    static SweepPicture States(SweepReportData data)
    {
        var states = Enum.GetValues<TrialStatus>();
        var plot = SweepChartStyle.NewPlot("Trials by state", "state", "trials");
        var bars = states.Select((state, i) => new Bar
        {
            Position = i,
            Value = data.Sweep.TrialsByStatus.GetValueOrDefault(state),
            FillColor = StateColours[state],
            Label = data.Sweep.TrialsByStatus.GetValueOrDefault(state).ToString(),
        }).ToList();
        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 13;
        plot.Axes.Bottom.TickGenerator = new NumericManual(states.Select((_, i) => (double)i).ToArray(),
            states.Select(s => s.ToWire()).ToArray());
        plot.Axes.Margins(bottom: 0, top: 0.15); // room for the count above the tallest bar
        var caption = $"How the {data.Trials.Count} trial(s) stand" +
                      (data.Sweep.State == SweepState.Running ? $" at {data.TakenAt:yyyy-MM-dd HH:mm} UTC (the sweep is still running)" : "") + ".";
        return SweepChartStyle.Encode(plot, "trial-states.png", "states", "Trials by state", caption, height: 360);
    }

    static SweepPicture Attempts(SweepReportData data)
    {
        var trials = data.Trials.OrderBy(t => t.Trial.Number).ToList();
        var plot = SweepChartStyle.NewPlot("Attempts and epochs redone per trial", "trial", "count");
        // Two bars per trial: its attempts (red past the first), and the epochs it trained again after resuming.
        var attempts = trials.Select((t, i) => new Bar
        {
            Position = i * 3, Value = t.Trial.Attempts, FillColor = t.Trial.Attempts > 1 ? Colors.FireBrick : Colors.SteelBlue,
        }).ToList();
        var redone = trials.Select((t, i) => new Bar { Position = i * 3 + 1, Value = t.History.EpochsRedone, FillColor = Colors.DarkOrange }).ToList();
        plot.Add.Bars(attempts);
        plot.Add.Bars(redone);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "attempts", FillColor = Colors.SteelBlue });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "attempts (retried)", FillColor = Colors.FireBrick });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "epochs redone", FillColor = Colors.DarkOrange });
        plot.ShowLegend(Alignment.UpperRight);
        // Every trial's label when they fit; with many trials ScottPlot's own numbering is easier to read.
        if (trials.Count <= 24)
            plot.Axes.Bottom.TickGenerator = new NumericManual(trials.Select((_, i) => i * 3 + 0.5).ToArray(), trials.Select(t => t.ShortId).ToArray());
        plot.Axes.Left.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Margins(bottom: 0);
        var highest = trials.Max(t => Math.Max(t.Trial.Attempts, t.History.EpochsRedone));
        plot.Axes.SetLimitsY(0, Math.Max(2, highest) * 1.35 + 0.5); // room for the legend above the bars
        var retried = trials.Count(t => t.Trial.Attempts > 1);
        var caption = $"Attempts each trial took (red: more than one) and the epochs it trained again (orange). {retried} trial(s) " +
                      $"were retried after a failure or a lost silo; {data.Sweep.EpochsRedone} epoch(s) in all were trained again " +
                      "because an attempt resumed from an earlier checkpoint.";
        return SweepChartStyle.Encode(plot, "attempts.png", "attempts", "Attempts and epochs redone per trial", caption, height: 360);
    }
}
