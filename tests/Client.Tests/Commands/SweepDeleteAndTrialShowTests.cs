using System.Globalization;
using System.Text.Json;
using AeGrid.Abstractions;
using AeGrid.Client.Cli;
using AeGrid.Client.Tests.Support;

namespace AeGrid.Client.Tests.Commands;

/// <summary>`aegrid sweep delete` and `aegrid trial show` on a real SQLite store holding a sweep another process is running.</summary>
public sealed class SweepDeleteAndTrialShowTests : IDisposable
{
    readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_running_sweep_is_refused_with_exit_code_5_and_a_finished_one_is_deleted_with_its_trials()
    {
        var store = _temp.Combine("store.db");
        var (id, trials) = await StoreSweeps.RunningAsync(store);

        var refused = await Aegrid.RunAsync("sweep", "delete", id, "--store", store);
        Assert.True(refused.ExitCode == ExitCodes.SweepRunning, refused.ToString());
        Assert.Empty(refused.Stdout);
        Assert.Equal($"error: sweep {id} is still running; cancel it first (`aegrid sweep cancel {id}`) or wait for it to end",
            Assert.Single(refused.StderrLines));
        Assert.Equal(0, (await Aegrid.RunAsync("trial", "show", trials[0], "--store", store)).ExitCode); // still there

        await StoreSweeps.SetStateAsync(store, id, SweepState.Cancelled);
        var deleted = await Aegrid.RunAsync("sweep", "delete", id, "--store", store, "--json");
        Assert.True(deleted.ExitCode == ExitCodes.Success, deleted.ToString());
        Assert.Equal(id, JsonDocument.Parse(deleted.Stdout).RootElement.GetProperty("deleted").GetString());

        var gone = await Aegrid.RunAsync("sweep", "status", id, "--store", store);
        Assert.True(gone.ExitCode == ExitCodes.InvalidInput, gone.ToString());
        Assert.Contains($"unknown sweep {id}", gone.LastStderrLine);
        var again = await Aegrid.RunAsync("sweep", "delete", id, "--store", store);
        Assert.True(again.ExitCode == ExitCodes.InvalidInput, again.ToString());
        var list = await Aegrid.RunAsync("sweep", "list", "--store", store);
        Assert.Equal("no sweeps yet", list.Stdout.Trim());
    }

    [Fact]
    public async Task Trial_show_prints_every_epoch_as_a_table_json_or_csv()
    {
        var store = _temp.Combine("store.db");
        var (_, trials) = await StoreSweeps.RunningAsync(store, epochs: 3);

        var table = await Aegrid.RunAsync("trial", "show", trials[0], "--store", store);
        Assert.True(table.ExitCode == ExitCodes.Success, table.ToString());
        Assert.Contains($"{trials[0]} (linear): running, 3 epoch(s), 1 attempt(s)", table.Stdout);
        Assert.Contains("test_mse", table.Stdout);

        var json = await Aegrid.RunAsync("trial", "show", trials[0], "--store", store, "--json");
        Assert.True(json.ExitCode == ExitCodes.Success, json.ToString());
        var root = JsonDocument.Parse(json.Stdout).RootElement;
        var epochs = root.GetProperty("epochs").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], epochs.Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.Equal(0.21 / 2, epochs[1].GetProperty("test_mse").GetDouble(), 12);
        Assert.Equal("elsewhere", Assert.Single(root.GetProperty("attempts").EnumerateArray()).GetProperty("silo").GetString());

        var csv = await Aegrid.RunAsync("trial", "show", trials[0], "--store", store, "--csv");
        Assert.True(csv.ExitCode == ExitCodes.Success, csv.ToString());
        var lines = csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("epoch,attempt,train_mse,test_mse,samples_per_second,wall_seconds", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal(0.21 / 3, double.Parse(lines[3].Split(',')[3], CultureInfo.InvariantCulture), 12);

        var pending = await Aegrid.RunAsync("trial", "show", trials[1], "--store", store, "--csv");
        Assert.Equal(["epoch,attempt,train_mse,test_mse,samples_per_second,wall_seconds"], pending.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Sweep_status_shows_the_hyperparameters_that_vary_and_verbose_shows_them_all()
    {
        var store = _temp.Combine("store.db");
        var (id, _) = await StoreSweeps.RunningAsync(store);

        var status = await Aegrid.RunAsync("sweep", "status", id, "--store", store);
        Assert.True(status.ExitCode == ExitCodes.Success, status.ToString());
        Assert.Contains("lr=0.01 ", status.Stdout);
        Assert.DoesNotContain("batch_size=", status.Stdout); // the same for both trials

        var verbose = await Aegrid.RunAsync("sweep", "status", id, "--store", store, "--verbose");
        Assert.True(verbose.ExitCode == ExitCodes.Success, verbose.ToString());
        Assert.Contains("batch_size=", verbose.Stdout);
    }

    [Theory]
    [InlineData("nonsense", "'nonsense' is not a trial id")]
    [InlineData("live-000000-t0009", "unknown")]
    public async Task A_bad_trial_id_is_one_line_with_exit_code_2(string trialId, string expected)
    {
        var store = _temp.Combine("store.db");
        await StoreSweeps.RunningAsync(store);

        var run = await Aegrid.RunAsync("trial", "show", trialId, "--store", store);

        Assert.True(run.ExitCode == ExitCodes.InvalidInput, run.ToString());
        Assert.Empty(run.Stdout);
        Assert.Contains(expected, Assert.Single(run.StderrLines));
    }
}
