using System.CommandLine;
using AeGrid.Abstractions;
using AeGrid.Client.Cli;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;
using AeGrid.Grains.Sweeps;
using Microsoft.Extensions.Logging;

namespace AeGrid.Client.Commands;

/// <summary>
/// `aegrid run SPEC`: a whole sweep on this machine: a silo in this process, the embedded store unless --store names
/// PostgreSQL. A sweep of the same name left running by an interrupted `aegrid run` is resumed, not started twice.
/// </summary>
internal sealed class RunCommand : Command, ICommandWithExamples
{
    readonly Argument<FileInfo> _spec = new("spec") { Description = "The sweep file (YAML or JSON)" };
    readonly Option<string?> _store = new("--store")
    {
        Description = "Where to keep sweeps: a SQLite file [default: ~/.aegrid/aegrid.db or $AEGRID_STORE] or postgres://…",
        HelpName = "PATH|URL",
    };
    readonly Option<int?> _slots = OptionFactory.WholeNumber("--slots", "Trainings at once on this machine [default: 1]");
    readonly Option<int?> _threads = OptionFactory.WholeNumber("--threads", "Torch threads per training [default: 1]");
    readonly Option<string?> _device = OptionFactory.Choice("--device", "Slot kind", "cpu", "cuda");
    readonly Option<int?> _top = OptionFactory.WholeNumber("--top", "Leaderboard rows to show [default: 10]");
    readonly Option<bool> _json = new("--json") { Description = "End with one JSON object on the last line: sweep id, trials by state, leaderboard" };
    readonly Option<bool> _verbose = new("--verbose") { Description = "Show the silo's log on stderr" };
    readonly Option<string?> _fork = new("--fork")
    {
        Description = "Fork sweep ID of this store: the trials start from the weights of its best completed trial (or --from's), " +
                      "and the file may leave out whatever it does not change (see `aegrid sweep fork`)",
        HelpName = "ID",
    };
    readonly Option<string?> _from = SweepForkCommand.FromOption();

    public RunCommand() : base("run", "Run a sweep to the end on this machine and print its leaderboard.")
    {
        Arguments.Add(_spec);
        foreach (var option in new Option[] { _store, _slots, _threads, _device, _top, _json, _verbose, _fork, _from }) Options.Add(option);
        SetAction(CommandAction.Create(RunAsync));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "aegrid run examples/quick.yaml",
        "aegrid run examples/denoise-mlp-search.yaml --slots 2 --threads 1",
        "aegrid run examples/quick.yaml --json | tail -n 1",
        "aegrid run fine-tune.yaml --fork quick-1a2b3c",
    ];

    async Task<int> RunAsync(CommandContext context)
    {
        var parse = context.ParseResult;
        var file = parse.GetValue(_spec)!;
        var forkOf = parse.GetValue(_fork);
        var fromTrial = parse.GetValue(_from);
        if (fromTrial is not null && forkOf is null) throw CliException.InvalidInput("--from names the trial to fork from; give --fork ID with it");
        // A fork's file is whole only with its source's settings (the grid adds them); a plain sweep file is checked here first.
        var (text, name) = forkOf is null ? Parsed(SpecFiles.Read(file)) : (SpecFiles.ReadText(file), null);
        var slots = parse.GetValue(_slots) ?? 1;
        if (slots < 1) throw CliException.InvalidInput($"--slots must be at least 1, got {slots}");
        var top = parse.GetValue(_top) ?? 10;
        if (top < 1) throw CliException.InvalidInput($"--top must be at least 1, got {top}");
        var asJson = parse.GetValue(_json);
        Action<ILoggingBuilder> logging = parse.GetValue(_verbose)
            ? b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Information)
            : b => b.AddFilter(_ => false);

        await using var session = await GridSession.StartLocalAsync(parse.GetValue(_store) ?? GridSession.DefaultLocalStore,
            slots, parse.GetValue(_threads), parse.GetValue(_device) ?? "cpu", logging, context.Cancel);
        var directory = session.Grains.GetGrain<ISweepDirectoryGrain>(0);
        // A fork left running here came from an interrupted `aegrid run --fork` of the same source.
        var interrupted = (await directory.List()).FirstOrDefault(s => s.State == SweepState.Running
            && (forkOf is null ? s.Name == name : s.ForkedFrom?.SweepId == forkOf && (fromTrial is null || s.ForkedFrom.TrialId == fromTrial)));
        string id;
        if (interrupted is not null)
        {
            // Only this process trains on a local store, so a running sweep here was left by one that stopped.
            id = interrupted.Id;
            await session.Grains.GetGrain<ISweepGrain>(id).Start();
            context.Error.WriteLine($"resuming interrupted sweep {id} ({SweepDisplay.CountsLine(interrupted)})");
        }
        else
        {
            if (forkOf is null) id = await directory.Submit(text, file.Name);
            else
            {
                var forked = await SweepForkCommand.ForkAsync(directory, forkOf, fromTrial, text, file.Name);
                id = forked.SweepId!;
                if (!asJson) context.Error.WriteLine($"forked from {forked.Origin}");
            }
            if (!asJson) context.Error.WriteLine($"sweep {id} started");
        }

        var sweep = session.Grains.GetGrain<ISweepGrain>(id);
        SweepStatusReport final;
        try
        {
            final = await SweepDisplay.WatchAsync(sweep, asJson ? null : context.ErrorConsole, context.Error, context.Cancel);
        }
        catch (OperationCanceledException)
        {
            var again = forkOf is null ? $"{file}" : $"{file} --fork {forkOf}";
            context.Error.WriteLine($"stopping: running trials checkpoint now; `aegrid run {again}` again resumes sweep {id}");
            throw;
        }
        var board = await sweep.GetLeaderboard(top, null);
        if (asJson)
        {
            context.Out.WriteLine(GridJson.Write(GridJson.Result(final, board)));
        }
        else
        {
            SweepDisplay.ShowStatus(context.OutConsole, final);
            SweepDisplay.ShowLeaderboard(context.OutConsole, board, final.Sweep.Metric, final.Trials.Select(t => t.Parameters));
        }
        return ExitCodes.ForSweep(final.Sweep);
    }

    static (string Text, string? Name) Parsed((string Text, SweepSpec Spec) read) => (read.Text, read.Spec.Name);
}
