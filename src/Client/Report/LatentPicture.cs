using AeGrid.Models.Training;
using ScottPlot;
using SkiaSharp;

namespace AeGrid.Client.Report;

/// <summary>
/// The deep-MLP tutorial's latent-space plot: every test code as a dot coloured by its class. A 2-D code is one
/// scatter plot; a 3-D code is drawn as its three 2-D projections side by side (z1–z2, z1–z3, z2–z3), which keep
/// real axis values, where a single rotated 3-D view would hide depth; a 1-D code is a strip plot (code against
/// class). ScottPlot draws; the pixels go through <see cref="PngEncoding"/> like every other picture.
/// </summary>
internal static class LatentPicture
{
    public const string FileName = "latent.png";
    public const int MaxDimensions = 3;

    const int PanelWidth = 440;
    const int PanelHeight = 420;
    const int LegendWidth = 170;
    const float DotSize = 3;
    const float DotOpacity = 0.6f;
    static readonly ScottPlot.Palettes.Category10 Palette = new();

    public static Picture Create(LatentCodes codes, ClassNames names)
    {
        if (codes.Dimensions is < 1 or > MaxDimensions)
            throw new ArgumentException($"a latent plot needs a code of 1 to {MaxDimensions} dimensions, got {codes.Dimensions}", nameof(codes));
        var labels = codes.Labels.Distinct().Order().ToArray();
        var panels = codes.Dimensions switch
        {
            1 => [StripPlot(codes, labels)],
            2 => [PairPlot(codes, labels, 0, 1)],
            _ => new[] { PairPlot(codes, labels, 0, 1), PairPlot(codes, labels, 0, 2), PairPlot(codes, labels, 1, 2) },
        };
        var image = Compose(panels, LegendItems(labels, names));
        var layout = codes.Dimensions switch
        {
            1 => "a strip plot of the 1-D code (x) by class (y, jittered)",
            2 => "the 2-D codes",
            _ => "the 3-D codes seen along each axis: z1–z2, z1–z3 and z2–z3 (three 2-D projections, not a rotated 3-D view)",
        };
        return new Picture(FileName, "latent", "Latent space",
            $"Codes of {codes.Count} test images, coloured by class: {layout}.", image);
    }

    static Plot PairPlot(LatentCodes codes, byte[] labels, int x, int y)
    {
        var plot = NewPlot();
        foreach (var label in labels)
        {
            var members = Members(codes, label);
            plot.Add.Markers(members.Select(i => (double)codes.Codes[i * codes.Dimensions + x]).ToArray(),
                members.Select(i => (double)codes.Codes[i * codes.Dimensions + y]).ToArray(),
                MarkerShape.FilledCircle, DotSize, ColourOf(label).WithAlpha(DotOpacity));
        }
        plot.XLabel($"z{x + 1}");
        plot.YLabel($"z{y + 1}");
        return plot;
    }

    static Plot StripPlot(LatentCodes codes, byte[] labels)
    {
        var plot = NewPlot();
        // Fixed seed: the same codes always give the same picture.
        var jitter = new Random(0);
        foreach (var label in labels)
        {
            var members = Members(codes, label);
            plot.Add.Markers(members.Select(i => (double)codes.Codes[i]).ToArray(),
                members.Select(_ => label + (jitter.NextDouble() - 0.5) * 0.6).ToArray(),
                MarkerShape.FilledCircle, DotSize, ColourOf(label).WithAlpha(DotOpacity));
        }
        plot.XLabel("z1");
        plot.YLabel("class");
        return plot;
    }

    /// <summary>
    /// A sans-serif family that is installed. ScottPlot's own guess (Fonts.Sans) takes the first family it finds,
    /// which on Debian with only DejaVu fonts is DejaVu Serif.
    /// </summary>
    internal static readonly Lazy<string> SansFont = new(() =>
        new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans" }
            .FirstOrDefault(family => Fonts.GetTypeface(family, false, false)?.FamilyName == family)
        ?? Fonts.Sans);

    static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(SansFont.Value);
        plot.HideLegend();
        return plot;
    }

    static int[] Members(LatentCodes codes, byte label) =>
        Enumerable.Range(0, codes.Count).Where(i => codes.Labels[i] == label).ToArray();

    static Color ColourOf(byte label) => Palette.GetColor(label);

    static List<LegendItem> LegendItems(byte[] labels, ClassNames names) =>
        labels.Select(label => new LegendItem
        {
            LabelText = names[label],
            MarkerShape = MarkerShape.FilledCircle,
            MarkerSize = 10,
            MarkerFillColor = ColourOf(label),
            MarkerLineColor = ColourOf(label),
        }).ToList();

    /// <summary>The panels left to right, then the legend in its own column, flattened to RGB.</summary>
    static RasterImage Compose(IReadOnlyList<Plot> panels, List<LegendItem> legendItems)
    {
        int width = panels.Count * PanelWidth + LegendWidth;
        using var surface = SKSurface.Create(new SKImageInfo(width, PanelHeight, SKColorType.Rgba8888, SKAlphaType.Premul))
                            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}×{PanelHeight} drawing surface");
        surface.Canvas.Clear(SKColors.White);
        for (int p = 0; p < panels.Count; p++)
        {
            // Each plot renders on its own image: Plot.Render clears the whole canvas it is given.
            using var panel = panels[p].GetImage(PanelWidth, PanelHeight);
            using var paint = Paint.NewDisposablePaint();
            panel.Render(surface.Canvas, new PixelRect(p * PanelWidth, (p + 1) * PanelWidth, PanelHeight, 0), paint, true);
        }
        var legend = panels[^1].Legend;
        legend.ManualItems.AddRange(legendItems);
        legend.DisplayPlottableLegendItems = false;
        legend.FontName = SansFont.Value;
        legend.FontSize = 13;
        using (var paint = Paint.NewDisposablePaint())
        {
            legend.Render(surface.Canvas, paint, new PixelRect(panels.Count * PanelWidth, width, PanelHeight, 0), Alignment.MiddleCenter);
        }
        using var snapshot = new ScottPlot.Image(surface);
        var rgb = snapshot.GetArrayRGB();
        var pixels = new byte[rgb.Length];
        Buffer.BlockCopy(rgb, 0, pixels, 0, rgb.Length);
        return new RasterImage(width, PanelHeight, 3, pixels);
    }
}
