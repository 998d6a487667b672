using System.CommandLine;
using System.Text.Json.Nodes;
using AeGrid.Abstractions;
using AeGrid.Client.Cli;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid sweep …`: sweeps on a grid (a cluster named by --cluster, else the local store).</summary>
internal sealed class SweepCommand : Command, ICommandWithExamples
{
    public SweepCommand() : base("sweep", "Submit, watch and manage sweeps on a grid.")
    {
        Subcommands.Add(new SweepSubmitCommand());
        Subcommands.Add(new SweepForkCommand());
        Subcommands.Add(new SweepStatusCommand());
        Subcommands.Add(new SweepWatchCommand());
        Subcommands.Add(new SweepListCommand());
        Subcommands.Add(new SweepCancelCommand());
        Subcommands.Add(new SweepRetryCommand());
        Subcommands.Add(new SweepExtendCommand());
        Subcommands.Add(new SweepDeleteCommand());
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "aegrid sweep submit examples/quick.yaml --cluster postgres://aegrid@db:5432/aegrid",
        "aegrid sweep watch quick-1a2b3c --cluster postgres://aegrid@db:5432/aegrid",
        "aegrid sweep status quick-1a2b3c --json",
        "aegrid sweep fork quick-1a2b3c fine-tune.yaml --cluster postgres://aegrid@db:5432/aegrid",
    ];

    internal static Option<bool> VerboseOption() =>
        new("--verbose") { Description = "Show every hyperparameter, not only those that differ between the sweep's trials" };

    internal static Argument<string> SweepIdArgument() => new("id") { Description = "The sweep id (from `sweep submit` or `sweep list`)" };

    /// <summary>An unknown id fails on the first call, when the sweep grain finds no row in the store.</summary>
    internal static ISweepGrain SweepOf(GridSession session, string id) => session.Grains.GetGrain<ISweepGrain>(id);
}

internal sealed class SweepSubmitCommand : Command
{
    readonly GridOptions _grid = new();
    readonly Argument<FileInfo> _spec = new("spec") { Description = "The sweep file (YAML or JSON)" };

    public SweepSubmitCommand() : base("submit", "Submit a sweep to the cluster and print its id at once.")
    {
        Arguments.Add(_spec);
        _grid.AddTo(this);
        SetAction(CommandAction.Create(RunAsync));
    }

    async Task<int> RunAsync(CommandContext context)
    {
        var file = context.ParseResult.GetValue(_spec)!;
        var (text, _) = SpecFiles.Read(file);
        await using var session = await _grid.OpenAsync(context);
        if (session.IsLocal)
            throw CliException.InvalidInput($"sweep submit needs --cluster or --gateway (or {Silo.AeGridEnvironment.Cluster}, {Silo.AeGridEnvironment.Gateways}); to run a sweep on this machine use `aegrid run`");
        var id = await session.Grains.GetGrain<ISweepDirectoryGrain>(0).Submit(text, file.Name);
        context.Out.WriteLine(context.ParseResult.GetValue(_grid.Json) ? GridJson.Write(new JsonObject { ["id"] = id }) : id);
        return ExitCodes.Success;
    }
}

internal sealed class SweepStatusCommand : Command
{
    readonly GridOptions _grid = new();
    readonly Argument<string> _id = SweepCommand.SweepIdArgument();
    readonly Option<bool> _verbose = SweepCommand.VerboseOption();

    public SweepStatusCommand() : base("status", "Show a sweep's state and every trial.")
    {
        Arguments.Add(_id);
        Options.Add(_verbose);
        _grid.AddTo(this);
        SetAction(CommandAction.Create(RunAsync));
    }

    async Task<int> RunAsync(CommandContext context)
    {
        await using var session = await _grid.OpenAsync(context);
        var status = await SweepCommand.SweepOf(session, context.ParseResult.GetValue(_id)!).GetStatus();
        if (context.ParseResult.GetValue(_grid.Json)) context.Out.WriteLine(GridJson.Write(GridJson.Status(status)));
        else SweepDisplay.ShowStatus(context.OutConsole, status, context.ParseResult.GetValue(_verbose));
        return ExitCodes.Success;
    }
}

internal sealed class SweepWatchCommand : Command
{
    readonly GridOptions _grid = new();
    readonly Argument<string> _id = SweepCommand.SweepIdArgument();
    readonly Option<bool> _verbose = SweepCommand.VerboseOption();

    public SweepWatchCommand() : base("watch", "Follow a sweep until it ends, then show its leaderboard. Safe to stop and start again.")
    {
        Arguments.Add(_id);
        Options.Add(_verbose);
        _grid.AddTo(this);
        SetAction(CommandAction.Create(RunAsync));
    }

    async Task<int> RunAsync(CommandContext context)
    {
        await using var session = await _grid.OpenAsync(context);
        var sweep = SweepCommand.SweepOf(session, context.ParseResult.GetValue(_id)!);
        var json = context.ParseResult.GetValue(_grid.Json);
        var final = await SweepDisplay.WatchAsync(sweep, json ? null : context.ErrorConsole, context.Error, context.Cancel);
        var board = await sweep.GetLeaderboard(10, null);
        if (json) context.Out.WriteLine(GridJson.Write(GridJson.Result(final, board)));
        else SweepDisplay.ShowLeaderboard(context.OutConsole, board, final.Sweep.Metric, final.Trials.Select(t => t.Parameters),
            context.ParseResult.GetValue(_verbose));
        return ExitCodes.ForSweep(final.Sweep);
    }
}

internal sealed class SweepListCommand : Command
{
    readonly GridOptions _grid = new();

    public SweepListCommand() : base("list", "List the grid's sweeps, newest first.")
    {
        _grid.AddTo(this);
        SetAction(CommandAction.Create(RunAsync));
    }

    async Task<int> RunAsync(CommandContext context)
    {
        await using var session = await _grid.OpenAsync(context);
        var sweeps = await session.Grains.GetGrain<ISweepDirectoryGrain>(0).List();
        if (context.ParseResult.GetValue(_grid.Json))
            context.Out.WriteLine(GridJson.Write(new JsonObject { ["sweeps"] = new JsonArray([.. sweeps.Select(s => (JsonNode)GridJson.Summary(s))]) }));
        else if (sweeps.Length == 0)
            context.Out.WriteLine("no sweeps yet");
        else
            foreach (var s in sweeps)
                context.Out.WriteLine($"{s.Id,-32} {s.State.ToString().ToLowerInvariant(),-10} {s.CreatedAt:yyyy-MM-dd HH:mm}  {SweepDisplay.CountsLine(s)}"
                    + (s.ForkedFrom is { } origin ? $"  forked from {origin}" : ""));
        return ExitCodes.Success;
    }
}

internal sealed class SweepCancelCommand : Command
{
    readonly GridOptions _grid = new();
    readonly Argument<string> _id = SweepCommand.SweepIdArgument();

    public SweepCancelCommand() : base("cancel", "Cancel a sweep: pending trials are cancelled, running ones stop within a batch.")
    {
        Arguments.Add(_id);
        _grid.AddTo(this, withJson: false);
        SetAction(CommandAction.Create(RunAsync));
    }

    async Task<int> RunAsync(CommandContext context)
    {
        await using var session = await _grid.OpenAsync(context);
        var id = context.ParseResult.GetValue(_id)!;
        await SweepCommand.SweepOf(session, id).Cancel();
        context.Out.WriteLine($"cancelled {id}");
        return ExitCodes.Success;
    }
}

internal sealed class SweepRetryCommand : Command
{
    readonly GridOptions _grid = new();
    readonly Argument<string> _id = SweepCommand.SweepIdArgument();

    public SweepRetryCommand() : base("retry", "Run a sweep's failed trials again, and only those.")
    {
        Arguments.Add(_id);
        _grid.AddTo(this, withJson: false);
        SetAction(CommandAction.Create(RunAsync));
    }

    async Task<int> RunAsync(CommandContext context)
    {
        await using var session = await _grid.OpenAsync(context);
        var count = await SweepCommand.SweepOf(session, context.ParseResult.GetValue(_id)!).RetryFailed();
        context.Out.WriteLine(count == 0 ? "no failed trials to retry" : $"retrying {count} failed trial(s)");
        return ExitCodes.Success;
    }
}

internal sealed class SweepExtendCommand : Command
{
    readonly GridOptions _grid = new();
    readonly Argument<string> _id = SweepCommand.SweepIdArgument();
    readonly Option<int?> _trials = OptionFactory.WholeNumber("--trials", "How many trials to add");

    public SweepExtendCommand() : base("extend", "Add trials to a random-search sweep (continuing its sampler) or to a tpe sweep's budget; existing trials are not re-run.")
    {
        Arguments.Add(_id);
        _trials.Required = true;
        Options.Add(_trials);
        _grid.AddTo(this, withJson: false);
        SetAction(CommandAction.Create(RunAsync));
    }

    async Task<int> RunAsync(CommandContext context)
    {
        var trials = context.ParseResult.GetValue(_trials)!.Value;
        if (SweepSpecParser.ExtendProblem(trials) is { } problem) throw CliException.InvalidInput(problem);
        await using var session = await _grid.OpenAsync(context);
        var id = context.ParseResult.GetValue(_id)!;
        var added = await SweepCommand.SweepOf(session, id).Extend(trials);
        context.Out.WriteLine($"added {added} trial(s) to {id}");
        return ExitCodes.Success;
    }
}
