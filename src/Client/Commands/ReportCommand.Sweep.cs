using System.CommandLine;
using AeGrid.Client.Cli;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;
using AeGrid.Client.Report;
using AeGrid.Client.Report.Sweep;

namespace AeGrid.Client.Commands;

/// <summary>
/// `aegrid report SWEEP`: the sweep's page, read through grain calls from the local store (--store) or a cluster
/// (--cluster). A running sweep gets a report of where it stands; nothing here changes the sweep.
/// </summary>
internal sealed partial class ReportCommand
{
    /// <summary>Test images per model picture unless --limit says otherwise: enough for the latent plot and k-means,
    /// quick enough that a report of several architectures takes seconds, not minutes.</summary>
    public const int SweepTestImages = 1000;

    private readonly Argument<string?> _sweep = new("sweep")
    {
        Description = "A sweep id (from `sweep list` or `run`): report on the sweep instead of one model",
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "SWEEP",
    };
    private readonly GridOptions _grid = new();
    private readonly Option<int?> _top = OptionFactory.WholeNumber("--top", "Sweep reports: learning curves of this many best trials [default: 8]");

    private void AddSweepSymbols()
    {
        Arguments.Add(_sweep);
        Options.Add(_top);
        _grid.AddTo(this, withJson: false);
    }

    private async Task<int> RunSweepAsync(CommandContext context, string sweepId, GridLayout layout, int? limit)
    {
        var parse = context.ParseResult;
        var top = parse.GetValue(_top) ?? 8;
        if (top < 1) throw CliException.InvalidInput($"--top must be at least 1, got {top}");
        if (parse.GetValue(_dataset) is not null)
            throw CliException.InvalidInput("--dataset: a sweep report draws each model on the dataset it was trained on; drop --dataset");
        var outDirectory = parse.GetValue(_out) ?? DefaultDirectory(sweepId);

        await using var session = await _grid.OpenAsync(context);
        var sweep = SweepCommand.SweepOf(session, sweepId);
        var data = await SweepReportData.LoadAsync(sweep, context.Cancel);
        var charts = new List<SweepPicture>();
        if (LearningCurvesChart.Create(data, top) is { } curves) charts.Add(curves);
        charts.AddRange(HyperparameterCharts.Create(data));
        charts.AddRange(TrialStateCharts.Create(data));
        var models = await SweepModelPictures.CreateAsync(sweep, data, layout, limit ?? SweepTestImages,
            note => context.Error.WriteLine(note), context.Cancel);
        var manifest = SweepReportWriter.Write(outDirectory, data, charts, models);

        if (parse.GetValue(_json))
        {
            JsonOutput.Write(context.Out, manifest);
            return ExitCodes.Success;
        }
        context.Out.WriteLine($"Report on sweep {manifest.SweepId} ({manifest.State}, {manifest.Trials.Count} trial(s), " +
                              $"taken {manifest.TakenAt:yyyy-MM-dd HH:mm:ss} UTC):");
        foreach (var picture in manifest.Pictures)
            context.Out.WriteLine($"  {picture.File,-32} {picture.Width}×{picture.Height}  {picture.Title}");
        foreach (var model in manifest.Models)
            context.Out.WriteLine(model.Missing is { } missing
                ? $"  {model.Architecture}: {model.TrialId}: no pictures: {missing}"
                : $"  {model.Architecture}: {model.TrialId} ({model.Source}): {string.Join(", ", model.Pictures.Select(p => p.File))}");
        context.Out.WriteLine($"Wrote {Path.Combine(manifest.Directory, HtmlReport.FileName)} and {manifest.Files.Count - 1} other file(s) in {manifest.Directory}");
        return ExitCodes.Success;
    }
}
