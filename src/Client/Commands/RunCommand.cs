using System.CommandLine;
using System.Text.Json.Nodes;
using AeGrid.Abstractions;
using AeGrid.Client.Grid;
using AeGrid.Client.Output;
using AeGrid.Grains.Sweeps;
using Microsoft.Extensions.Logging;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid run SPEC`: a whole sweep on this machine, in-process silo, embedded store by default.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var spec = new Argument<FileInfo>("spec") { Description = "The sweep file (YAML or JSON)." };
        var store = new Option<string?>("--store")
        {
            Description = "Where to keep sweeps: a SQLite file (default ~/.aegrid/aegrid.db or $AEGRID_STORE) or postgres://…",
        };
        var slots = new Option<int>("--slots") { Description = "Trainings at once on this machine.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "Torch threads per training (default: torch's choice)." };
        var device = new Option<string>("--device") { Description = "cpu or cuda slots.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var top = new Option<int>("--top") { Description = "Leaderboard rows to show.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (sweep id, counts by state, leaderboard) on the last line." };
        var verbose = new Option<bool>("--verbose") { Description = "Show the silo's log." };
        var command = new Command("run", "Run a sweep to the end on this machine and print its leaderboard.\nExample: aegrid run examples/quick.yaml")
        {
            spec, store, slots, threads, device, top, json, verbose,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var file = parse.GetValue(spec)!;
            var text = SpecFiles.Read(file);
            ParseEarly(text, file);
            if (parse.GetValue(slots) < 1) throw new CliException($"--slots must be at least 1, got {parse.GetValue(slots)}", 2);
            Action<ILoggingBuilder> logging = parse.GetValue(verbose)
                ? b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Information)
                : b => b.AddFilter(_ => false);
            await using var session = await GridSession.StartLocalAsync(parse.GetValue(store) ?? GridSession.DefaultLocalStore,
                parse.GetValue(slots), parse.GetValue(threads), parse.GetValue(device)!, logging, ct);
            var id = await session.Grains.GetGrain<ISweepDirectoryGrain>(0).Submit(text, file.Name);
            var sweep = session.Grains.GetGrain<ISweepGrain>(id);
            var asJson = parse.GetValue(json);
            if (!asJson) Console.Error.WriteLine($"sweep {id} started");
            SweepStatusReport final;
            try
            {
                final = await SweepDisplay.WatchAsync(sweep, quiet: asJson, ct);
            }
            catch (OperationCanceledException)
            {
                await sweep.Cancel();
                throw;
            }
            var board = await sweep.GetLeaderboard(parse.GetValue(top), null);
            if (asJson)
            {
                Console.WriteLine(GridJson.Write(Result(final, board)));
            }
            else
            {
                SweepDisplay.ShowStatus(final);
                SweepDisplay.ShowLeaderboard(board, final.Sweep.Metric);
            }
            return final.Sweep.State == SweepState.Completed ? 0 : 1;
        }));
        return command;
    }

    /// <summary>Bad sweep files fail here with key and line, before a silo starts.</summary>
    static void ParseEarly(string text, FileInfo file)
    {
        try
        {
            SweepSpecParser.Parse(text, file.Name);
        }
        catch (SweepSpecException e)
        {
            throw new CliException(e.Message, 2);
        }
    }

    /// <summary>The JSON result of a finished sweep: id, counts by state, leaderboard.</summary>
    public static JsonObject Result(SweepStatusReport final, IEnumerable<LeaderboardEntry> board) => new()
    {
        ["id"] = final.Sweep.Id,
        ["state"] = final.Sweep.State.ToString().ToLowerInvariant(),
        ["counts"] = GridJson.Counts(final.Sweep),
        ["metric"] = final.Sweep.Metric,
        ["leaderboard"] = GridJson.Leaderboard(board),
    };
}
