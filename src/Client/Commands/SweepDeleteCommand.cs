using System.CommandLine;
using System.Text.Json.Nodes;
using AeGrid.Client.Cli;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid sweep delete ID`: drops a finished sweep with everything stored under it; a running one is refused.</summary>
internal sealed class SweepDeleteCommand : Command
{
    readonly GridOptions _grid = new();
    readonly Argument<string> _id = SweepCommand.SweepIdArgument();

    public SweepDeleteCommand() : base("delete",
        "Delete a finished sweep with its trials, epochs, attempts, checkpoints and kept models. " +
        $"A running sweep is refused with exit code {ExitCodes.SweepRunning}: cancel it first.")
    {
        Arguments.Add(_id);
        _grid.AddTo(this);
        SetAction(CommandAction.Create(RunAsync));
    }

    async Task<int> RunAsync(CommandContext context)
    {
        var id = context.ParseResult.GetValue(_id)!;
        await using var session = await _grid.OpenAsync(context);
        if (!await SweepCommand.SweepOf(session, id).Delete())
            throw new CliException(ExitCodes.SweepRunning,
                $"sweep {id} is still running; cancel it first (`aegrid sweep cancel {id}`) or wait for it to end");
        if (context.ParseResult.GetValue(_grid.Json)) context.Out.WriteLine(GridJson.Write(new JsonObject { ["deleted"] = id }));
        else context.Out.WriteLine($"deleted {id}");
        return ExitCodes.Success;
    }
}
