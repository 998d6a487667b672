using System.CommandLine;
using AeGrid.Abstractions;
using AeGrid.Client.Cli;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid trial …`: one trial of a sweep.</summary>
internal sealed class TrialCommand : Command, ICommandWithExamples
{
    public TrialCommand() : base("trial", "Look at one trial of a sweep.")
    {
        Subcommands.Add(new TrialShowCommand());
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "aegrid trial show quick-1a2b3c-t0002",
        "aegrid trial show quick-1a2b3c-t0002 --csv > t0002.csv",
    ];
}

/// <summary>`aegrid trial show TRIAL`: the trial's per-epoch history as a table, --json or --csv.</summary>
internal sealed class TrialShowCommand : Command
{
    readonly GridOptions _grid = new();
    readonly Argument<string> _trial = new("trial") { Description = "The trial id (from `sweep status` or `best`): <sweep id>-tNNNN" };
    readonly Option<bool> _csv = new("--csv") { Description = "Print the epochs as CSV (a header line, then one line per epoch)" };

    public TrialShowCommand() : base("show", "Print a trial's per-epoch metrics (every epoch stored, the last write of each).")
    {
        Arguments.Add(_trial);
        Options.Add(_csv);
        _grid.AddTo(this);
        SetAction(CommandAction.Create(RunAsync));
    }

    async Task<int> RunAsync(CommandContext context)
    {
        var trialId = context.ParseResult.GetValue(_trial)!;
        var json = context.ParseResult.GetValue(_grid.Json);
        var csv = context.ParseResult.GetValue(_csv);
        if (json && csv) throw CliException.InvalidInput("--json and --csv: give one of them, not both");
        string sweepId;
        try
        {
            sweepId = TrialIds.SweepOf(trialId);
        }
        catch (ArgumentException e)
        {
            throw CliException.InvalidInput(e.Message.Split(" (Parameter")[0]);
        }
        await using var session = await _grid.OpenAsync(context);
        var history = await SweepCommand.SweepOf(session, sweepId).GetTrialHistory(trialId);
        if (json) context.Out.WriteLine(GridJson.Write(EpochHistoryFormats.Json(history)));
        else if (csv) context.Out.Write(EpochHistoryFormats.Csv(history));
        else EpochHistoryFormats.ShowTable(context.OutConsole, history);
        return ExitCodes.Success;
    }
}
