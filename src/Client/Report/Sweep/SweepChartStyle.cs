using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AeGrid.Client.Report.Sweep;

/// <summary>One chart of a sweep report: the file it is saved as, a title and caption for the page, and its PNG bytes.</summary>
internal sealed record SweepPicture(string FileName, string Kind, string Title, string Caption, byte[] Png, int Width, int Height);

/// <summary>What every chart of a sweep report shares: fonts, colours per architecture, log axes, and PNG encoding.</summary>
internal static class SweepChartStyle
{
    public const int Width = 760;
    public const int Height = 440;
    static readonly ScottPlot.Palettes.Category10 Palette = new();

    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(LatentPicture.SansFont.Value);
        plot.Title(title, size: 15);
        plot.XLabel(xLabel, size: 13);
        plot.YLabel(yLabel, size: 13);
        return plot;
    }

    /// <summary>A stable colour per architecture: its place among the sweep's architectures in name order.</summary>
    public static Color ColourOf(string architecture, IReadOnlyList<string> architectures) =>
        Palette.GetColor(Math.Max(0, IndexOf(architectures, architecture)));

    public static Color ColourAt(int index) => Palette.GetColor(index);

    static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == item) return i;
        return -1;
    }

    /// <summary>
    /// True when positive values span at least a decade: drawn on a linear axis they would crowd into one corner.
    /// <paramref name="searchedOnLogScale"/> lowers the bar to a factor of 3 for settings searched log-uniformly in practice
    /// (the learning rate); the store does not hand the sweep's search space to a report, so this is decided from the values.
    /// </summary>
    public static bool WantsLogAxis(IEnumerable<double> values, bool searchedOnLogScale = false)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count < 2 || finite.Any(v => v <= 0)) return false;
        var ratio = finite.Max() / finite.Min();
        return ratio >= 10 || (searchedOnLogScale && ratio >= 3);
    }

    /// <summary>Plots log10 of the data on <paramref name="axis"/> and labels the ticks with the values themselves.</summary>
    public static void UseLogTicks(IAxis axis, IEnumerable<double> values)
    {
        var logs = values.Where(v => v > 0 && double.IsFinite(v)).Select(Math.Log10).ToList();
        var wholeDecades = logs.Count > 0 && logs.Max() - logs.Min() >= 1;
        axis.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = wholeDecades,
            LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
        };
    }

    public static double[] Log10(IEnumerable<double> values) => values.Select(Math.Log10).ToArray();

    public static SweepPicture Encode(Plot plot, string fileName, string kind, string title, string caption,
        int width = Width, int height = Height) =>
        new(fileName, kind, title, caption, plot.GetImageBytes(width, height, ImageFormat.Png), width, height);
}
