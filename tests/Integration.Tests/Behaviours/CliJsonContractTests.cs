using System.Globalization;
using System.Text.Json;
using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// What scripts rely on from the real `aegrid` command tree (run in-process, local mode on a SQLite file): `run --json`
/// ends with one JSON object, `sweep status --json` lists every trial, and refusals are one stderr line with an exit code.
/// </summary>
[Collection(LocalSiloCollection.Name)]
public sealed class CliJsonContractTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_and_sweep_status_print_their_json_and_refusals_are_one_line_with_an_exit_code()
    {
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        var specFile = SweepFiles.Write(folder.Path, "cli", SweepFiles.Tiny("cli", """
            architecture: linear
            epochs: 2
            search: grid
            keep_best: 1
            space:
              lr: [0.01, 0.005]
            """));

        var run = await AegridCli.RunAsync("run", specFile, "--json", "--store", store, "--threads", "1");
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.StdoutLines[^1]);
        var root = result.RootElement;
        var id = root.GetProperty("id").GetString()!;
        Assert.StartsWith("cli-", id);
        Assert.Equal("completed", root.GetProperty("state").GetString());
        Assert.Equal(2, root.GetProperty("counts").GetProperty("completed").GetInt32());
        Assert.Equal(0, root.GetProperty("counts").GetProperty("failed").GetInt32());
        var board = root.GetProperty("leaderboard").EnumerateArray().ToList();
        Assert.Equal(2, board.Count);
        Assert.All(board, e => Assert.Equal("completed", e.GetProperty("status").GetString()));
        Assert.Equal(new[] { 0.01, 0.005 }.Order(), board.Select(e => e.GetProperty("hyperparameters").GetProperty("lr").GetDouble()).Order());
        Assert.True(board[0].GetProperty("value").GetDouble() <= board[1].GetProperty("value").GetDouble());
        Assert.Equal([true, false], board.Select(e => e.GetProperty("kept").GetBoolean()));

        var status = await AegridCli.RunAsync("sweep", "status", id, "--json", "--store", store);
        Assert.True(status.ExitCode == 0, status.ToString());
        using var statusJson = JsonDocument.Parse(Assert.Single(status.StdoutLines));
        var trials = statusJson.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal([TrialConfig.MakeId(id, 0), TrialConfig.MakeId(id, 1)], trials.Select(t => t.GetProperty("id").GetString()));
        foreach (var t in trials)
        {
            Assert.Equal("completed", t.GetProperty("status").GetString());
            Assert.Equal("linear", t.GetProperty("hyperparameters").GetProperty("architecture").GetString());
            Assert.Equal(2, t.GetProperty("epochs_completed").GetInt32());
            Assert.Equal(1, t.GetProperty("attempts").GetInt32());
            Assert.Equal(2, t.GetProperty("metrics").GetProperty("epoch").GetInt32());
            Assert.True(t.GetProperty("metrics").GetProperty("test_mse").GetDouble() > 0);
        }
        // The leaderboard's values are the trials' final test MSE.
        Assert.Equal(trials.Select(t => t.GetProperty("metrics").GetProperty("test_mse").GetDouble()).Order(),
            board.Select(e => e.GetProperty("value").GetDouble()));

        var unknown = await AegridCli.RunAsync("sweep", "status", "nope", "--json", "--store", store);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Empty(unknown.Stdout);
        Assert.Contains("nope", Assert.Single(unknown.StderrLines));

        var badFile = SweepFiles.Write(folder.Path, "bad", File.ReadAllText(specFile).Replace("epochs: 2", "epoch: 2"));
        var bad = await AegridCli.RunAsync("run", badFile, "--json", "--store", store);
        Assert.Equal(2, bad.ExitCode);
        var line = Assert.Single(bad.StderrLines);
        output.WriteLine(line);
        Assert.Contains("bad.yaml:7", line);
        Assert.Contains("'epoch'", line);
    }

    [Fact]
    public async Task Sweep_status_from_another_process_leaves_the_sweep_to_the_aegrid_run_that_trains_it()
    {
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        // This silo plays the `aegrid run` training the sweep; `sweep status` then hosts its own read-only silo on the
        // same file, as a second terminal would.
        await using var trainer = await LocalSilo.StartAsync(store, slots: 1);
        var id = await trainer.Directory.Submit(SweepFiles.Tiny("watched", """
            architecture: linear
            epochs: 2000
            search: grid
            space:
              lr: [0.01, 0.005]
            """), "watched.yaml");
        var sweep = trainer.Sweep(id);
        SweepStatusReport before = await sweep.GetStatus();
        await Eventually.HoldsAsync(async () => (before = await sweep.GetStatus()).Trials[0].EpochsCompleted >= 2, TimeSpan.FromMinutes(1),
            () => string.Join(", ", before.Trials.Select(t => $"{t.TrialId} {t.Status.ToWire()} {t.EpochsCompleted}")));

        // Someone looks after the trial has trained a while, as real ones do: its start goes back ten minutes.
        await BackdateStartAsync(store, before.Trials[0].TrialId, TimeSpan.FromMinutes(10));

        var status = await AegridCli.RunAsync("sweep", "status", id, "--json", "--store", store);
        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = JsonDocument.Parse(Assert.Single(status.StdoutLines));
        Assert.Equal(["running", "pending"], json.RootElement.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("status").GetString()));

        // The trainer's trial was neither taken from it nor run a second time by the status command's silo.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = await sweep.GetStatus();
        Assert.Equal((TrialStatus.Running, 1, before.Trials[0].Silo), (after.Trials[0].Status, after.Trials[0].Attempts, after.Trials[0].Silo));
        Assert.True(after.Trials[0].EpochsCompleted > before.Trials[0].EpochsCompleted, "the trial stopped training");
        Assert.Equal((TrialStatus.Pending, 0), (after.Trials[1].Status, after.Trials[1].Attempts));
        Assert.Equal([null], (await trainer.Store.GetAttemptsAsync(after.Trials[0].TrialId)).Select(a => a.Outcome));

        // A watch from the other terminal follows what the trainer does through the store, to the end.
        var watch = AegridCli.RunAsync("sweep", "watch", id, "--json", "--store", store);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await sweep.Cancel();
        var watched = await watch.WaitAsync(TimeSpan.FromSeconds(30));
        using var watchedJson = JsonDocument.Parse(watched.StdoutLines[^1]);
        Assert.Equal("cancelled", watchedJson.RootElement.GetProperty("state").GetString());
        Assert.Equal(2, watchedJson.RootElement.GetProperty("counts").GetProperty("cancelled").GetInt32());
    }

    static async Task BackdateStartAsync(string store, string trialId, TimeSpan by)
    {
        await using var connection = new SqliteConnection($"Data Source={store}");
        await connection.OpenAsync();
        await using var command = new SqliteCommand("UPDATE trials SET started_at = $at WHERE id = $id", connection);
        // The store's own time format (StoreWire): UTC with microseconds.
        command.Parameters.AddWithValue("$at", (DateTime.UtcNow - by).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$id", trialId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
