using System.CommandLine;
using System.Text.Json.Nodes;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid best ID`: the leaderboard of a sweep.</summary>
public static class BestCommand
{
    public static Command Create()
    {
        var grid = new GridOptions();
        var id = new Argument<string>("id") { Description = "The sweep id." };
        var top = new Option<int>("--top") { Description = "How many rows.", DefaultValueFactory = _ => 10 };
        var metric = new Option<string?>("--metric") { Description = "Rank by this metric instead of the sweep's (test_mse, nmi, …)." };
        var command = new Command("best", "Print a sweep's leaderboard (completed trials, best first).") { id, top, metric };
        grid.AddTo(command);
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            if (parse.GetValue(top) < 1) throw new CliException($"--top must be at least 1, got {parse.GetValue(top)}", 2);
            var metricName = parse.GetValue(metric);
            if (metricName is not null && !AeGrid.Abstractions.EpochReport.MetricNames.Contains(metricName))
                throw new CliException($"--metric: unknown metric '{metricName}'; known: {string.Join(", ", AeGrid.Abstractions.EpochReport.MetricNames)}", 2);
            await using var session = await grid.OpenAsync(parse, ct);
            var sweep = SweepCommands.SweepOf(session, parse.GetValue(id)!);
            var status = await sweep.GetStatus();
            var board = await sweep.GetLeaderboard(parse.GetValue(top), metricName);
            if (parse.GetValue(grid.Json))
                Console.WriteLine(GridJson.Write(new JsonObject { ["id"] = status.Sweep.Id, ["metric"] = metricName ?? status.Sweep.Metric, ["leaderboard"] = GridJson.Leaderboard(board) }));
            else SweepDisplay.ShowLeaderboard(board, metricName ?? status.Sweep.Metric);
            return 0;
        }));
        return command;
    }
}
