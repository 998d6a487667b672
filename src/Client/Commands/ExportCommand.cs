using System.CommandLine;
using System.Text.Json.Nodes;
using AeGrid.Abstractions;
using AeGrid.Client.Cli;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid export TRIAL --out FILE`: a kept model's weights (TorchSharp module format) and, in FILE.json, its config.</summary>
internal sealed class ExportCommand : Command, ICommandWithExamples
{
    readonly GridOptions _grid = new();
    readonly Argument<string> _trial = new("trial") { Description = "The trial id of a kept model (see `aegrid best`)" };
    readonly Option<FileInfo> _out = new("--out") { Description = "Weights file to write; its config goes to FILE.json", Required = true, HelpName = "FILE" };

    public ExportCommand() : base("export", "Write a kept model's weights and config.")
    {
        Arguments.Add(_trial);
        Options.Add(_out);
        _grid.AddTo(this);
        SetAction(CommandAction.Create(RunAsync));
    }

    public IReadOnlyList<string> Examples { get; } = ["aegrid export quick-1a2b3c-t0002 --out best.bin"];

    async Task<int> RunAsync(CommandContext context)
    {
        await using var session = await _grid.OpenAsync(context);
        var model = await session.Grains.GetGrain<ISweepDirectoryGrain>(0).GetModel(context.ParseResult.GetValue(_trial)!);
        var file = context.ParseResult.GetValue(_out)!;
        file.Directory?.Create();
        AtomicFile.WriteAllBytes(file.FullName, model.Weights);
        var config = new JsonObject
        {
            ["trial_id"] = model.TrialId,
            ["weights"] = file.Name,
            ["format"] = "torchsharp-module",
            ["hyperparameters"] = GridJson.Parameters(model.Parameters),
            ["metrics"] = model.Metrics is null ? null : GridJson.Metrics(model.Metrics),
        };
        var configPath = file.FullName + ".json";
        AtomicFile.WriteAllText(configPath, config.ToJsonString(new() { WriteIndented = true }) + Environment.NewLine);
        if (context.ParseResult.GetValue(_grid.Json))
            context.Out.WriteLine(GridJson.Write(new JsonObject { ["weights"] = file.FullName, ["config"] = configPath, ["bytes"] = model.Weights.Length }));
        else context.Out.WriteLine($"wrote {file.FullName} ({model.Weights.Length:N0} bytes) and {configPath}");
        return ExitCodes.Success;
    }
}
