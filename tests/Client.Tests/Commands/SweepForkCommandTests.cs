using System.Text.Json;
using AeGrid.Abstractions;
using AeGrid.Client.Cli;
using AeGrid.Client.Tests.Support;
using AeGrid.Grains.Store;
using Xunit.Abstractions;

namespace AeGrid.Client.Tests.Commands;

/// <summary>
/// Forking from the command line on a real SQLite store: `aegrid run SPEC --fork ID` on this machine (what `aegrid sweep
/// fork` does on a cluster), the provenance every view shows, and each refusal as one line with its exit code.
/// </summary>
public sealed class SweepForkCommandTests(ITestOutputHelper output) : IDisposable
{
    readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_fork_of_a_finished_sweep_starts_from_its_best_trial_and_every_view_says_so()
    {
        var store = _temp.Combine("store.db");
        var source = await RunAsync(store, "source", $"""
            name: source
            architecture: linear
            dataset: {Fixtures.FashionMnist300}
            batch_size: 50
            epochs: 2
            search: grid
            space:
              lr: [0.0001, 0.01]
            """);
        var best = source.GetProperty("leaderboard")[0].GetProperty("trial_id").GetString()!;
        var id = source.GetProperty("id").GetString()!;

        var forkFile = Write("tune", "# only what changes\nlr: 0.001\nepochs: 1\n");
        var run = await Aegrid.RunAsync("run", forkFile, "--fork", id, "--store", store, "--threads", "1");
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains($"forked from {id}/{best}", run.StderrLines);
        var forkId = run.StderrLines.Single(l => l.StartsWith("sweep ", StringComparison.Ordinal) && l.EndsWith(" started", StringComparison.Ordinal)).Split(' ')[1];
        Assert.StartsWith("source-fork-", forkId); // the name is the source's, with -fork

        var status = await Aegrid.RunAsync("sweep", "status", forkId, "--store", store);
        Assert.Contains($"forked from {id}/{best}: its trials started from that trial's weights", status.Stdout);
        var json = JsonDocument.Parse((await Aegrid.RunAsync("sweep", "status", forkId, "--store", store, "--json")).Stdout).RootElement;
        Assert.Equal((id, best), (json.GetProperty("forked_from").GetProperty("sweep").GetString(), json.GetProperty("forked_from").GetProperty("trial").GetString()));
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse((await Aegrid.RunAsync("sweep", "status", id, "--store", store, "--json")).Stdout)
            .RootElement.GetProperty("forked_from").ValueKind);
        var list = await Aegrid.RunAsync("sweep", "list", "--store", store);
        Assert.Contains($"forked from {id}/{best}", list.Stdout.Split('\n').Single(l => l.StartsWith(forkId, StringComparison.Ordinal)));
        var trial = await Aegrid.RunAsync("trial", "show", $"{forkId}-t0000", "--store", store);
        Assert.Contains($"started from the weights of {id}/{best}", trial.Stdout);

        // The file may not change the shape of the weights it starts from: refused naming the key and its line.
        var refused = await Aegrid.RunAsync("run", Write("wider", "name: wider\narchitecture: deep-mlp\n"), "--fork", id, "--store", store);
        Assert.True(refused.ExitCode == ExitCodes.InvalidInput, refused.ToString());
        Assert.StartsWith($"error: wider.yaml:2:15: architecture: deep-mlp does not fit the weights of {best} (architecture: linear)",
            Assert.Single(refused.StderrLines));
    }

    [Fact]
    public async Task Each_refusal_is_one_line_with_its_exit_code()
    {
        var store = _temp.Combine("store.db");
        var (other, otherTrials) = await StoreSweeps.RunningAsync(store);
        using (var direct = new SqliteTrialStore(store)) // frees the name and the slot for the next
            Assert.True(await direct.EndAttemptAsync(otherTrials[0], 1, TrialStatus.Completed, null));
        await StoreSweeps.SetStateAsync(store, other, SweepState.Cancelled);
        var (live, trials) = await StoreSweeps.RunningAsync(store); // t0000 running, t0001 pending
        var file = Write("tune", "lr: 0.001\n");

        await AssertRefusedAsync(ExitCodes.InvalidInput, "error: unknown sweep nope-000000", "run", file, "--fork", "nope-000000", "--store", store);
        await AssertRefusedAsync(ExitCodes.InvalidInput, $"error: unknown trial {live}-t0042", "run", file, "--fork", live, "--from", $"{live}-t0042", "--store", store);
        await AssertRefusedAsync(ExitCodes.InvalidInput, $"error: trial {otherTrials[0]} belongs to sweep {other}, not {live}",
            "run", file, "--fork", live, "--from", otherTrials[0], "--store", store);
        await AssertRefusedAsync(ExitCodes.SweepRunning, $"error: trial {trials[0]} is still running; fork it once it has finished",
            "run", file, "--fork", live, "--from", trials[0], "--store", store);
        await AssertRefusedAsync(ExitCodes.SweepRunning, $"error: sweep {live} has no completed trial yet", "run", file, "--fork", live, "--store", store);
        await AssertRefusedAsync(ExitCodes.InvalidInput, "error: --from names the trial to fork from; give --fork ID with it",
            "run", file, "--from", trials[0], "--store", store);
        await AssertRefusedAsync(ExitCodes.InvalidInput, "error: sweep fork needs --cluster or --gateway", "sweep", "fork", live, file, "--store", store);

        // Completed, but no checkpoint or kept model was ever stored.
        using (var direct = new SqliteTrialStore(store))
            Assert.True(await direct.EndAttemptAsync(trials[0], 1, TrialStatus.Completed, null));
        await AssertRefusedAsync(ExitCodes.InvalidInput, $"error: trial {trials[0]} has no stored weights (neither a checkpoint nor a kept model)",
            "run", file, "--fork", live, "--from", trials[0], "--store", store);
        Assert.Equal(2, (await Aegrid.RunAsync("sweep", "list", "--store", store)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    static async Task AssertRefusedAsync(int exitCode, string line, params string[] args)
    {
        var run = await Aegrid.RunAsync(args);
        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Empty(run.Stdout);
        Assert.StartsWith(line, Assert.Single(run.StderrLines));
    }

    async Task<JsonElement> RunAsync(string store, string name, string spec)
    {
        var run = await Aegrid.RunAsync("run", Write(name, spec), "--store", store, "--threads", "1", "--json");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        return JsonDocument.Parse(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement.Clone();
    }

    string Write(string name, string text)
    {
        var file = _temp.Combine(name + ".yaml");
        File.WriteAllText(file, text);
        return file;
    }
}
