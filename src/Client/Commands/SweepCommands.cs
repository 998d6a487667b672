using System.CommandLine;
using System.Text.Json.Nodes;
using AeGrid.Abstractions;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid sweep submit|status|watch|list|cancel|retry|extend`: sweeps on a running grid.</summary>
public static class SweepCommands
{
    public static Command Create()
    {
        var sweep = new Command("sweep", "Submit, watch and manage sweeps on a grid.");
        sweep.Add(Submit());
        sweep.Add(Status());
        sweep.Add(Watch());
        sweep.Add(List());
        sweep.Add(Cancel());
        sweep.Add(Retry());
        sweep.Add(Extend());
        return sweep;
    }

    static Argument<string> SweepId() => new("id") { Description = "The sweep id (from `sweep submit` or `sweep list`)." };

    static Command Submit()
    {
        var grid = new GridOptions();
        var spec = new Argument<FileInfo>("spec") { Description = "The sweep file (YAML or JSON)." };
        var command = new Command("submit", "Submit a sweep and return its id at once.\nExample: aegrid sweep submit examples/quick.yaml --cluster postgres://aegrid@db/aegrid") { spec };
        grid.AddTo(command);
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var file = parse.GetValue(spec)!;
            var text = SpecFiles.Read(file);
            await using var session = await grid.OpenAsync(parse, ct);
            var id = await session.Grains.GetGrain<ISweepDirectoryGrain>(0).Submit(text, file.Name);
            if (parse.GetValue(grid.Json)) Console.WriteLine(GridJson.Write(new JsonObject { ["id"] = id }));
            else Console.WriteLine(id);
            if (session.IsLocal)
                Console.Error.WriteLine("note: no --cluster given, so the sweep runs in this process only while a command keeps it alive; use `aegrid run` locally.");
            return 0;
        }));
        return command;
    }

    static Command Status()
    {
        var grid = new GridOptions();
        var id = SweepId();
        var command = new Command("status", "Show a sweep's state and every trial.") { id };
        grid.AddTo(command);
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            await using var session = await grid.OpenAsync(parse, ct);
            var status = await SweepOf(session, parse.GetValue(id)!).GetStatus();
            if (parse.GetValue(grid.Json))
            {
                var o = GridJson.Summary(status.Sweep);
                o["trials"] = new JsonArray(status.Trials.Select(t => (JsonNode)GridJson.Trial(t)).ToArray());
                Console.WriteLine(GridJson.Write(o));
            }
            else SweepDisplay.ShowStatus(status);
            return 0;
        }));
        return command;
    }

    static Command Watch()
    {
        var grid = new GridOptions();
        var id = SweepId();
        var command = new Command("watch", "Follow a sweep's progress until it ends, then show the leaderboard.") { id };
        grid.AddTo(command);
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            await using var session = await grid.OpenAsync(parse, ct);
            var sweep = SweepOf(session, parse.GetValue(id)!);
            var json = parse.GetValue(grid.Json);
            var final = await SweepDisplay.WatchAsync(sweep, quiet: json, ct);
            var board = await sweep.GetLeaderboard(10, null);
            if (json) Console.WriteLine(GridJson.Write(RunCommand.Result(final, board)));
            else SweepDisplay.ShowLeaderboard(board, final.Sweep.Metric);
            return final.Sweep.State == SweepState.Completed ? 0 : 1;
        }));
        return command;
    }

    static Command List()
    {
        var grid = new GridOptions();
        var command = new Command("list", "List the grid's sweeps, newest first.");
        grid.AddTo(command);
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            await using var session = await grid.OpenAsync(parse, ct);
            var sweeps = await session.Grains.GetGrain<ISweepDirectoryGrain>(0).List();
            if (parse.GetValue(grid.Json))
                Console.WriteLine(GridJson.Write(new JsonObject { ["sweeps"] = new JsonArray(sweeps.Select(s => (JsonNode)GridJson.Summary(s)).ToArray()) }));
            else
                foreach (var s in sweeps)
                    Console.WriteLine($"{s.Id,-32} {s.State.ToString().ToLowerInvariant(),-10} {s.CreatedAt:yyyy-MM-dd HH:mm}  {SweepDisplay.CountsLine(s)}");
            return 0;
        }));
        return command;
    }

    static Command Cancel()
    {
        var grid = new GridOptions();
        var id = SweepId();
        var command = new Command("cancel", "Cancel a sweep: pending trials are cancelled, running ones stop within a batch.") { id };
        grid.AddTo(command, withJson: false);
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            await using var session = await grid.OpenAsync(parse, ct);
            await SweepOf(session, parse.GetValue(id)!).Cancel();
            Console.WriteLine($"cancelled {parse.GetValue(id)}");
            return 0;
        }));
        return command;
    }

    static Command Retry()
    {
        var grid = new GridOptions();
        var id = SweepId();
        var command = new Command("retry", "Run a sweep's failed trials again (only those).") { id };
        grid.AddTo(command, withJson: false);
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            await using var session = await grid.OpenAsync(parse, ct);
            var count = await SweepOf(session, parse.GetValue(id)!).RetryFailed();
            Console.WriteLine(count == 0 ? "no failed trials to retry" : $"retrying {count} failed trial(s)");
            return 0;
        }));
        return command;
    }

    static Command Extend()
    {
        var grid = new GridOptions();
        var id = SweepId();
        var trials = new Option<int>("--trials") { Description = "How many trials to add.", Required = true };
        var command = new Command("extend", "Add trials to a random-search sweep, continuing its sampler; existing trials are not re-run.") { id, trials };
        grid.AddTo(command, withJson: false);
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            await using var session = await grid.OpenAsync(parse, ct);
            var added = await SweepOf(session, parse.GetValue(id)!).Extend(parse.GetValue(trials));
            Console.WriteLine($"added {added} trial(s) to {parse.GetValue(id)}");
            return 0;
        }));
        return command;
    }

    /// <summary>An unknown id fails on the first call, when the sweep grain finds no row in the store.</summary>
    internal static ISweepGrain SweepOf(GridSession session, string id) => session.Grains.GetGrain<ISweepGrain>(id);
}
