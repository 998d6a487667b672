using System.CommandLine;
using System.Text.Json.Nodes;
using AeGrid.Abstractions;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid export TRIAL --out FILE`: a kept model's weights (TorchSharp format) and, beside them, its config.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var grid = new GridOptions();
        var trial = new Argument<string>("trial") { Description = "The trial id of a kept model (see `aegrid best`)." };
        var output = new Option<FileInfo>("--out") { Description = "Weights file to write; its config goes to FILE.json.", Required = true };
        var command = new Command("export", "Write a kept model's weights and config.\nExample: aegrid export quick-1a2b3c-t0002 --out best.bin") { trial, output };
        grid.AddTo(command);
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            await using var session = await grid.OpenAsync(parse, ct);
            var model = await session.Grains.GetGrain<ISweepDirectoryGrain>(0).GetModel(parse.GetValue(trial)!);
            var file = parse.GetValue(output)!;
            file.Directory?.Create();
            await File.WriteAllBytesAsync(file.FullName, model.Weights, ct);
            var config = new JsonObject
            {
                ["trial_id"] = model.TrialId,
                ["weights"] = file.Name,
                ["format"] = "torchsharp-module",
                ["hyperparameters"] = GridJson.Parameters(model.Parameters),
                ["metrics"] = model.Metrics is null ? null : GridJson.Metrics(model.Metrics),
            };
            var configPath = file.FullName + ".json";
            await File.WriteAllTextAsync(configPath, config.ToJsonString(new() { WriteIndented = true }), ct);
            if (parse.GetValue(grid.Json))
                Console.WriteLine(GridJson.Write(new JsonObject { ["weights"] = file.FullName, ["config"] = configPath, ["bytes"] = model.Weights.Length }));
            else Console.WriteLine($"wrote {file.FullName} ({model.Weights.Length:N0} bytes) and {configPath}");
            return 0;
        }));
        return command;
    }
}
