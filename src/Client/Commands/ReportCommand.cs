using System.CommandLine;
using AeGrid.Client.Cli;
using AeGrid.Client.Output;
using AeGrid.Client.Report;
using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Client.Commands;

/// <summary>
/// `aegrid report`: the tutorials' pictures of one trained model (reconstructions, denoising, latent space, clusters)
/// as PNGs, with report.html and report.json, from an exported model or the --out DIR of `aegrid train`; or, given a
/// sweep id, the sweep's page (ReportCommand.Sweep.cs).
/// </summary>
internal sealed partial class ReportCommand : Command, ICommandWithExamples
{
    private readonly Option<string?> _model = new("--model")
    {
        Description = "Weights written by `aegrid export` (FILE.json must be beside it)",
        HelpName = "FILE",
    };
    private readonly Option<string?> _trainDirectory = new("--train-dir")
    {
        Description = "The --out DIR of `aegrid train` (model.ckpt, config.json, metrics.json)",
        HelpName = "DIR",
    };
    private readonly Option<string?> _out = new("--out")
    {
        Description = "Directory to write the report into [default: ./aegrid-report-<sweep, trial or architecture>]",
        HelpName = "DIR",
    };
    private readonly Option<string?> _dataset = new("--dataset")
    {
        Description = "Test images to draw: mnist, fashion-mnist, or a directory holding the four IDX .gz files " +
                      "[default: the dataset the model was trained on]",
        HelpName = "NAME|PATH",
    };
    private readonly Option<int?> _limit = OptionFactory.WholeNumber("--limit",
        "Use only the first N test images for the latent plot and the clustering [default: all; 1000 in a sweep report]");
    private readonly Option<int?> _scale = OptionFactory.WholeNumber("--scale",
        $"Draw each image pixel as an N×N block in the image grids (1 to {GridLayout.MaxScale}) [default: 2]");
    private readonly Option<bool> _json = new("--json")
    {
        Description = "Print report.json on stdout instead of a summary",
    };

    public ReportCommand() : base("report",
        "Draw a sweep (SWEEP: leaderboard, learning curves, metric against each hyperparameter, trials by state and attempts, " +
        "and the best model of each architecture) or one trained model (--model, --train-dir: reconstructions.png; " +
        "denoising.png for denoisers; latent.png when the code has at most 3 dimensions; clusters.png for cluster-mlp) " +
        "into a directory with a self-contained report.html and report.json. " +
        "Exit codes: 0 done, 1 failure, 2 bad input (unknown sweep, missing or mismatched files, unknown dataset).")
    {
        AddSweepSymbols();
        Options.Add(_model);
        Options.Add(_trainDirectory);
        Options.Add(_out);
        Options.Add(_dataset);
        Options.Add(_limit);
        Options.Add(_scale);
        Options.Add(_json);
        SetAction(CommandAction.Create(RunAsync));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "aegrid report quick-1a2b3c --out runs/quick-report    # a sweep, finished or still running",
        "aegrid train --arch deep-mlp --epochs 5 --out runs/deep && aegrid report --train-dir runs/deep --out runs/deep/report",
        "aegrid export quick-1a2b3c-t0002 --out best.bin && aegrid report --model best.bin    # into ./aegrid-report-quick-1a2b3c-t0002",
        "aegrid report --model best.bin --dataset mnist --limit 2000 --scale 3 --json",
    ];

    private async Task<int> RunAsync(CommandContext context)
    {
        var parse = context.ParseResult;
        var json = parse.GetValue(_json);
        var layout = ReadLayout(parse);
        var limit = parse.GetValue(_limit);
        if (limit is < 1) throw CliException.InvalidInput($"--limit: must be a positive number of test images, got {limit}");
        if (parse.GetValue(_sweep) is { } sweepId)
        {
            if (parse.GetValue(_model) is not null || parse.GetValue(_trainDirectory) is not null)
                throw CliException.InvalidInput("give a sweep id or --model or --train-dir, not several");
            return await RunSweepAsync(context, sweepId, layout, limit);
        }

        var source = ReadSource(parse);
        var datasetName = parse.GetValue(_dataset) ?? source.Config.Dataset
                          ?? throw new InvalidOperationException("TrainingRules.WithDefaults left Dataset unset");
        var outDirectory = parse.GetValue(_out) ?? DefaultDirectory(source);

        var manifest = await Task.Run(() =>
        {
            using var model = source.OpenModel(new TrainingOptions { Device = "auto" });
            var data = LoadTestImages(datasetName, limit);
            var contents = ModelReport.Build(model, data, layout, note => context.Error.WriteLine(note), context.Cancel);
            return ReportWriter.Write(outDirectory, source, data, contents);
        }, context.Cancel).WaitAsync(context.Cancel);

        if (json)
        {
            JsonOutput.Write(context.Out, manifest);
        }
        else
        {
            WriteSummary(context.Out, manifest);
        }
        return ExitCodes.Success;
    }

    private ReportSource ReadSource(ParseResult parse)
    {
        var model = parse.GetValue(_model);
        var trainDirectory = parse.GetValue(_trainDirectory);
        return (model, trainDirectory) switch
        {
            ({ } file, null) => ReportSource.FromExport(file),
            (null, { } directory) => ReportSource.FromTrainingDirectory(directory),
            (null, null) => throw CliException.InvalidInput("give what to report on: a sweep id, --model FILE (from `aegrid export`) or --train-dir DIR (from `aegrid train --out`)"),
            _ => throw CliException.InvalidInput("--model and --train-dir: give one of them, not both"),
        };
    }

    private GridLayout ReadLayout(ParseResult parse)
    {
        var scale = parse.GetValue(_scale) ?? 2;
        if (scale is < 1 or > GridLayout.MaxScale)
            throw CliException.InvalidInput($"--scale: must be between 1 and {GridLayout.MaxScale}, got {scale}");
        return new GridLayout(Scale: scale);
    }

    /// <summary>./aegrid-report-&lt;trial id or architecture&gt;, with anything a file name cannot hold replaced.</summary>
    private static string DefaultDirectory(ReportSource source) => DefaultDirectory(source.TrialId ?? source.Config.Architecture);

    /// <summary>./aegrid-report-&lt;name&gt;, with anything a file name cannot hold replaced.</summary>
    private static string DefaultDirectory(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return "aegrid-report-" + new string(name.Select(c => invalid.Contains(c) ? '_' : c).ToArray());
    }

    /// <summary>The dataset, its test split cut to <paramref name="limit"/>; DatasetCatalog's errors are about the user's data: exit 2.</summary>
    private static Dataset LoadTestImages(string nameOrPath, int? limit)
    {
        Dataset data;
        try
        {
            data = DatasetCatalog.Load(nameOrPath);
        }
        catch (Exception e) when (e is DatasetNotFoundException or DatasetFormatException or IOException or UnauthorizedAccessException)
        {
            var message = e.Message.Contains(nameOrPath, StringComparison.Ordinal)
                ? e.Message
                : $"cannot load dataset '{nameOrPath}': {e.Message}";
            throw CliException.InvalidInput(message, e);
        }
        return limit is { } n ? data with { Test = data.Test.Take(n) } : data;
    }

    private static void WriteSummary(TextWriter output, ReportManifest manifest)
    {
        output.WriteLine($"Report on {manifest.Source}, {manifest.TestImages} test images of {manifest.Dataset}:");
        foreach (var picture in manifest.Pictures)
        {
            output.WriteLine($"  {picture.File,-20} {picture.Width}×{picture.Height}  {picture.Title}");
        }
        if (manifest.Clustering is { } c)
        {
            output.WriteLine($"Clustering: NMI {Formats.Metric(c.Nmi)} (raw pixels {Formats.Metric(c.BaselineNmi)}), " +
                             $"accuracy {Formats.Metric(c.Accuracy)} (raw pixels {Formats.Metric(c.BaselineAccuracy)})");
        }
        output.WriteLine($"Wrote {Path.Combine(manifest.Directory, HtmlReport.FileName)} and {manifest.Files.Count - 1} other file(s) in {manifest.Directory}");
    }
}
