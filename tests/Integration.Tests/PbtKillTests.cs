using System.Text.Json;
using AeGrid.Grains.Store;
using AeGrid.Integration.Tests.Behaviours;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests;

/// <summary>
/// `search: pbt` on real `aegrid silo` processes sharing a real PostgreSQL, one of them killed with SIGKILL while it trains
/// population members: the sweep completes, every trial has one row per epoch, and the lineage is consistent (each
/// exploit's donor had a snapshot, each recipient's epochs continue from the exploit epoch, one exploited attempt each).
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PbtKillTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task A_pbt_sweep_with_a_silo_killed_mid_sweep_completes_with_a_correct_lineage()
    {
        // The sweep's grain lives on the first silo (the only one at submit), which is never killed. It has one slot, so
        // most of the population waits for the second silo however slowly that one starts, and is training there when it dies.
        await using var grid = await OutageGrid.StartAsync(server, output, "pbt_kill", silos: 1, fastFailureDetection: true, slots: 1);
        var sweepId = await grid.SubmitSpecAsync("pbt-kill", PbtSweepTests.Spec("pbt-kill", architecture: "conv-denoise", limit: 300));
        grid.AddSilos(1, slots: PbtSweepTests.Population - 1);
        await grid.WaitUntilRunningAsync();

        var victim = await grid.SiloTrainingAsync(minEpochs: 2, TimeSpan.FromMinutes(3), except: grid.Silos[0]);
        victim.KillHard();
        grid.Log($"SIGKILL {victim.Name} while it trains population members");

        var watch = await grid.WatchAsync(sweepId, TimeSpan.FromMinutes(4));
        grid.Log($"sweep watch exited {watch.ExitCode}");
        Assert.True(watch.ExitCode == 0, watch.Stderr + watch.Stdout);
        Assert.Equal("completed", JsonDocument.Parse(watch.Stdout.Trim().Split('\n')[^1]).RootElement.GetProperty("state").GetString());

        await using var store = PostgresTrialStore.Create(grid.Database);
        var lineage = await PbtLineage.CheckAsync(store, sweepId, PbtSweepTests.Epochs);
        grid.Log(lineage.Describe());
        output.WriteLine($"PBT-KILL-TEST: {lineage.Describe()}");
        Assert.True(lineage.SiloDeaths > 0, "the killed silo was training nothing: the kill tested nothing");
        Assert.True(lineage.Exploits.Count > 0, "no exploit happened: the lineage tested nothing");

        // `sweep status --json` shows each trial's lineage as stored.
        var status = await AegridProcess.RunAsync(["sweep", "status", sweepId, "--cluster", grid.Url, "--json"], TimeSpan.FromSeconds(60));
        Assert.Equal(0, status.ExitCode);
        var shown = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("trials").EnumerateArray()
            .Sum(t => t.GetProperty("exploits").GetArrayLength());
        Assert.Equal(lineage.Exploits.Count, shown);
    }
}
