using System.CommandLine;
using System.Text.Json.Nodes;
using AeGrid.Abstractions;
using AeGrid.Client.Cli;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;

namespace AeGrid.Client.Commands;

/// <summary>
/// `aegrid sweep fork ID [--from TRIAL] SPEC`: a new sweep on the cluster whose trials start from the weights of a finished
/// trial of sweep ID (its best completed one unless --from names another), fine-tuning it over the file's space.
/// On this machine the same is `aegrid run SPEC --fork ID [--from TRIAL]`.
/// </summary>
internal sealed class SweepForkCommand : Command
{
    readonly GridOptions _grid = new();
    readonly Argument<string> _id = new("id") { Description = "The sweep to fork from (a finished trial of it supplies the weights)" };
    readonly Argument<FileInfo> _spec = new("spec")
    {
        Description = "The fork's sweep file (YAML or JSON): what changes. What it leaves out is the source trial's",
    };
    readonly Option<string?> _from = FromOption();

    public SweepForkCommand() : base("fork",
        "Start a new sweep warm-started from a finished trial's weights (fresh optimiser, epochs from 0) and print its id. " +
        $"A source trial that is still running is refused with exit code {ExitCodes.SweepRunning}.")
    {
        Arguments.Add(_id);
        Arguments.Add(_spec);
        Options.Add(_from);
        _grid.AddTo(this);
        SetAction(CommandAction.Create(RunAsync));
    }

    internal static Option<string?> FromOption() => new("--from")
    {
        Description = "The trial to start from: completed or pruned, with a checkpoint or kept model [default: the sweep's best completed trial]",
        HelpName = "TRIAL",
    };

    async Task<int> RunAsync(CommandContext context)
    {
        var file = context.ParseResult.GetValue(_spec)!;
        var text = SpecFiles.ReadText(file);
        await using var session = await _grid.OpenAsync(context);
        if (session.IsLocal)
            throw CliException.InvalidInput(
                $"sweep fork needs --cluster or --gateway (or {Silo.AeGridEnvironment.Cluster}, {Silo.AeGridEnvironment.Gateways}); to fork on this machine use `aegrid run SPEC --fork ID`");
        var directory = session.Grains.GetGrain<ISweepDirectoryGrain>(0);
        var forked = await ForkAsync(directory, context.ParseResult.GetValue(_id)!, context.ParseResult.GetValue(_from), text, file.Name);
        if (context.ParseResult.GetValue(_grid.Json))
            context.Out.WriteLine(GridJson.Write(new JsonObject { ["id"] = forked.SweepId, ["forked_from"] = GridJson.Origin(forked.Origin) }));
        else
        {
            context.Out.WriteLine(forked.SweepId);
            context.Error.WriteLine($"forked from {forked.Origin}");
        }
        return ExitCodes.Success;
    }

    /// <summary>Forks, or fails with exit code <see cref="ExitCodes.SweepRunning"/> while the source trial has not finished.</summary>
    internal static async Task<SweepForkResult> ForkAsync(ISweepDirectoryGrain directory, string sourceSweepId, string? fromTrialId,
        string text, string fileName)
    {
        var forked = await directory.Fork(sourceSweepId, fromTrialId, text, fileName);
        return forked.StillRunning is { } reason ? throw new CliException(ExitCodes.SweepRunning, reason) : forked;
    }
}
