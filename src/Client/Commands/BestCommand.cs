using System.CommandLine;
using System.Text.Json.Nodes;
using AeGrid.Abstractions;
using AeGrid.Client.Cli;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid best ID`: a sweep's leaderboard.</summary>
internal sealed class BestCommand : Command, ICommandWithExamples
{
    readonly GridOptions _grid = new();
    readonly Argument<string> _id = SweepCommand.SweepIdArgument();
    readonly Option<int?> _top = OptionFactory.WholeNumber("--top", "How many rows [default: 10]");
    readonly Option<bool> _verbose = SweepCommand.VerboseOption();
    readonly Option<string?> _metric = OptionFactory.Choice("--metric", "Rank by this metric instead of the sweep's", [.. EpochReport.MetricNames]);

    public BestCommand() : base("best", "Print a sweep's leaderboard: completed trials, best first.")
    {
        Arguments.Add(_id);
        Options.Add(_top);
        Options.Add(_metric);
        Options.Add(_verbose);
        _grid.AddTo(this);
        SetAction(CommandAction.Create(RunAsync));
    }

    public IReadOnlyList<string> Examples { get; } = ["aegrid best quick-1a2b3c --top 3", "aegrid best quick-1a2b3c --metric nmi --json"];

    async Task<int> RunAsync(CommandContext context)
    {
        var top = context.ParseResult.GetValue(_top) ?? 10;
        if (top < 1) throw CliException.InvalidInput($"--top must be at least 1, got {top}");
        var metric = context.ParseResult.GetValue(_metric);
        await using var session = await _grid.OpenAsync(context);
        var sweep = SweepCommand.SweepOf(session, context.ParseResult.GetValue(_id)!);
        var status = await sweep.GetStatus();
        var board = await sweep.GetLeaderboard(top, metric);
        if (context.ParseResult.GetValue(_grid.Json))
            context.Out.WriteLine(GridJson.Write(new JsonObject
            {
                ["id"] = status.Sweep.Id,
                ["metric"] = metric ?? status.Sweep.Metric,
                ["leaderboard"] = GridJson.Leaderboard(board),
            }));
        else SweepDisplay.ShowLeaderboard(context.OutConsole, board, metric ?? status.Sweep.Metric,
            status.Trials.Select(t => t.Parameters), context.ParseResult.GetValue(_verbose));
        return ExitCodes.Success;
    }
}
