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
    readonly Option<int?> _threads = OptionFactory.WholeNumber("--threads", "Torch threads per training [default: torch's choice]");
    readonly Option<string?> _device = OptionFactory.Choice("--device", "Slot kind", "cpu", "cuda");
    readonly Option<int?> _top = OptionFactory.WholeNumber("--top", "Leaderboard rows to show [default: 10]");
    readonly Option<bool> _json = new("--json") { Description = "End with one JSON object on the last line: sweep id, trials by state, leaderboard" };
    readonly Option<bool> _verbose = new("--verbose") { Description = "Show the silo's log on stderr" };

    public RunCommand() : base("run", "Run a sweep to the end on this machine and print its leaderboard.")
    {
        Arguments.Add(_spec);
        foreach (var option in new Option[] { _store, _slots, _threads, _device, _top, _json, _verbose }) Options.Add(option);
        SetAction(CommandAction.Create(RunAsync));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "aegrid run examples/quick.yaml",
        "aegrid run examples/denoise-mlp-search.yaml --slots 2 --threads 1",
        "aegrid run examples/quick.yaml --json | tail -n 1",
    ];

    async Task<int> RunAsync(CommandContext context)
    {
        var parse = context.ParseResult;
        var file = parse.GetValue(_spec)!;
        var (text, spec) = SpecFiles.Read(file);
        var name = spec.Name;
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
        var interrupted = (await directory.List()).FirstOrDefault(s => s.Name == name && s.State == SweepState.Running);
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
            id = await directory.Submit(text, file.Name);
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
            context.Error.WriteLine($"stopping: running trials checkpoint now; `aegrid run {file}` again resumes sweep {id}");
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
}
