using System.CommandLine;
using System.Diagnostics;
using AeGrid.Client.Cli;
using AeGrid.Client.Output;
using AeGrid.Client.Training;
using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Client.Commands;

/// <summary>
/// `aegrid train`: one trial, trained here in this process (no cluster). Unset hyperparameters take the
/// architecture's tutorial defaults; the output says which.
/// </summary>
internal sealed class TrainCommand : Command, ICommandWithExamples
{
    /// <summary>One option per catalog hyperparameter (--arch, --encoding-dim, …, --seed), named and described by the catalog.</summary>
    private readonly HyperparameterOptions _hyperparameters = new();
    private readonly Option<string?> _device = OptionFactory.Choice("--device", "Where to train [default: auto = CUDA when available]",
        "auto", "cpu", "cuda");
    private readonly Option<int?> _threads = OptionFactory.WholeNumber("--threads", "Torch CPU threads [default: torch's choice]");
    private readonly Option<string?> _out = new("--out")
    {
        Description = $"Directory to write {TrainingArtifacts.WeightsFile}, {TrainingArtifacts.ConfigFile} and {TrainingArtifacts.MetricsFile}",
        HelpName = "DIR",
    };
    private readonly Option<bool> _json = new("--json")
    {
        Description = "Print one JSON object on stdout instead of tables (progress still goes to stderr)",
    };

    public TrainCommand() : base("train",
        "Train one autoencoder here, in this process, and report its metrics. Unset hyperparameters take the " +
        "architecture's tutorial defaults. Exit codes: 0 done, 1 failure, 2 bad hyperparameter, data or usage, " +
        "3 diverged, 130 cancelled (Ctrl+C).")
    {
        foreach (var option in _hyperparameters.Options) Options.Add(option);
        Options.Add(_device);
        Options.Add(_threads);
        Options.Add(_out);
        Options.Add(_json);
        SetAction(CommandAction.Create(RunAsync));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "aegrid train --arch linear --dataset fashion-mnist --epochs 1    # quick look, tutorial defaults otherwise",
        "aegrid train --arch deep-mlp --hidden-sizes 256,128 --encoding-dim 32 --lr 0.001 --out runs/deep",
        "aegrid train --arch denoise-mlp --noise 0.5 --dataset ./my-idx-dir --limit 2000 --json > result.json",
    ];

    private async Task<int> RunAsync(CommandContext context)
    {
        var parse = context.ParseResult;
        var json = parse.GetValue(_json);
        // Under --json, stdout carries nothing but the one JSON object; human notes go to stderr.
        var notes = json ? context.Error : context.Out;

        var options = ReadOptions(parse);
        var requested = _hyperparameters.Read(parse);
        var config = FillAndValidate(requested);
        var recipe = Recipe.Compare(requested, config);
        notes.WriteLine(recipe.Describe());

        var datasetName = config.Dataset
                          ?? throw new InvalidOperationException("TrainingRules.WithDefaults left Dataset unset");
        var loadTimer = Stopwatch.StartNew();
        var data = await LoadDatasetAsync(datasetName, config.Limit, context.Cancel);
        var loadSeconds = loadTimer.Elapsed.TotalSeconds;
        notes.WriteLine($"Dataset {data.Name}: {data.Train.Count} training, {data.Test.Count} test images " +
                        $"(loaded in {Formats.Seconds(loadSeconds)})");

        var training = await LocalTraining.RunAsync(config, data, options, context.ErrorConsole, context.Cancel);
        var report = TrainReport.Create(config, recipe, data, options, training, loadSeconds);
        if (parse.GetValue(_out) is { } outDirectory && report.Epochs > 0)
        {
            report = TrainingArtifacts.Write(outDirectory, report, training.LastCheckpoint);
        }

        if (json)
        {
            JsonOutput.Write(context.Out, report);
        }
        else
        {
            WriteHumanReport(context, report);
        }
        return Finish(context, report);
    }

    private TrainingOptions ReadOptions(ParseResult parse)
    {
        var threads = parse.GetValue(_threads);
        if (threads is < 1)
        {
            throw CliException.InvalidInput($"--threads: must be at least 1, got {threads}");
        }
        return new TrainingOptions { Device = parse.GetValue(_device) ?? "auto", Threads = threads };
    }

    /// <summary>Tutorial defaults filled in and checked; a bad value is reported under its command-line name.</summary>
    private static Hyperparameters FillAndValidate(Hyperparameters requested)
    {
        try
        {
            var config = requested.WithDefaults();
            config.Validate();
            return config;
        }
        catch (InvalidHyperparameterException e)
        {
            var problem = e.Message.StartsWith(e.Parameter + ": ", StringComparison.Ordinal)
                ? e.Message[(e.Parameter.Length + 2)..]
                : e.Message;
            var option = HyperparameterOptions.CommandLineOption(e.Parameter) ?? e.Parameter;
            throw CliException.InvalidInput($"{option}: {problem}", e);
        }
    }

    /// <summary>
    /// Loads off the calling thread. DatasetCatalog only finds and reads files, so whatever it throws (not found,
    /// bad magic number, truncated file, no permission) is a problem with the user's data: exit 2, its message.
    /// </summary>
    private static async Task<Dataset> LoadDatasetAsync(string nameOrPath, int? limit, CancellationToken cancel)
    {
        try
        {
            return await Task.Run(() => DatasetCatalog.Load(nameOrPath, limit), cancel).WaitAsync(cancel);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            var message = e.Message.Contains(nameOrPath, StringComparison.Ordinal)
                ? e.Message
                : $"cannot load dataset '{nameOrPath}': {e.Message}";
            throw CliException.InvalidInput(message, e);
        }
    }

    private static void WriteHumanReport(CommandContext context, TrainReport report)
    {
        var console = context.OutConsole;
        if (report.PerEpoch.Count > 0)
        {
            console.Write(EpochMetricsTable.Build(report.PerEpoch));
        }
        if (report is { TestMse: { } testMse, TrainMse: { } trainMse })
        {
            context.Out.WriteLine(
                $"{report.Architecture}: {report.Epochs} epoch(s) in {Formats.Seconds(report.WallSeconds)}, " +
                $"test MSE {Formats.Metric(testMse)} (train {Formats.Metric(trainMse)})" +
                (report.SamplesPerSecond is { } rate ? $", {Formats.Rate(rate)} samples/s" : ""));
        }
        if (report.Files is { Count: > 0 } files)
        {
            context.Out.WriteLine($"Wrote {string.Join(", ", files)}");
        }
    }

    private static int Finish(CommandContext context, TrainReport report)
    {
        switch (report.Outcome)
        {
            case TrainingOutcome.Completed:
                return ExitCodes.Success;
            case TrainingOutcome.Diverged:
                ErrorReport.Write(context.Error, $"training diverged after {report.Epochs} finished epoch(s)" +
                                                 (report.Message is { } why ? $": {why}" : "") +
                                                 " (try a lower --lr)");
                return ExitCodes.Diverged;
            case TrainingOutcome.Cancelled:
                ErrorReport.Write(context.Error, $"cancelled after {report.Epochs} finished epoch(s)");
                return ExitCodes.Cancelled;
            default:
                ErrorReport.Write(context.Error, $"training stopped: {report.Outcome}" +
                                                 (report.Message is { } message ? $": {message}" : ""));
                return ExitCodes.Failure;
        }
    }
}
