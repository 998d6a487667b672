using System.Diagnostics;
using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// Local mode is one process per store: a second `aegrid run` on the same store, or a local run on a cluster's database,
/// would take the first one's running trials for lost and train them twice. And a `sweep cancel` from a second terminal
/// stops the run that trains the sweep. Real CLI processes on a real SQLite file and a real PostgreSQL.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class LocalRunGuardTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task A_second_run_on_the_same_store_is_refused_and_a_cancel_from_another_terminal_stops_the_first()
    {
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        var spec = SweepFiles.Write(folder.Path, "long", SweepFiles.Tiny("long", """
            architecture: linear
            epochs: 2000
            search: grid
            space:
              lr: [0.01, 0.005]
            """, limit: 300));
        var other = SweepFiles.Write(folder.Path, "other", SweepFiles.Tiny("other", "architecture: linear\nepochs: 1", limit: 300));

        await using var run = AegridProcess.Start("aegrid run", ["run", spec, "--store", store, "--slots", "1", "--threads", "1"]);
        await using var reader = new SqliteTrialStore(store);
        await run.WaitForOutputAsync("started", TimeSpan.FromMinutes(1));
        var id = (await reader.ListSweepsAsync()).Single().Id;
        await Eventually.HoldsAsync(async () => (await reader.GetEpochsAsync(TrialConfig.MakeId(id, 0))).Count >= 1, TimeSpan.FromMinutes(1),
            () => $"no epoch yet\n{run.Stderr}");

        var second = await AegridProcess.RunAsync(["run", other, "--store", store, "--slots", "1"], TimeSpan.FromMinutes(1));
        output.WriteLine($"second run: exit {second.ExitCode}: {second.Stderr.Trim()}");
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("another `aegrid run` is training on", second.Stderr);
        Assert.Single(await reader.ListSweepsAsync()); // refused before it created anything
        Assert.Equal(1, (await reader.GetTrialAsync(TrialConfig.MakeId(id, 0)))!.Attempts); // and took nothing

        var clock = Stopwatch.StartNew();
        var cancel = await AegridProcess.RunAsync(["sweep", "cancel", id, "--store", store], TimeSpan.FromMinutes(1));
        Assert.True(cancel.ExitCode == 0, cancel.Stderr);
        await run.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"the run exited {run.ExitCode} {clock.Elapsed.TotalSeconds:0.0} s after the cancel");
        Assert.Equal(SweepState.Cancelled, (await reader.GetSweepAsync(id))!.State);
        Assert.All(await reader.GetTrialsAsync(id), t => Assert.Equal(TrialStatus.Cancelled, t.Status));
        Assert.All(await reader.GetAttemptsAsync(TrialConfig.MakeId(id, 0)), a => Assert.NotNull(a.EndedAt));

        // Once it has ended, the store is free again.
        var third = await AegridProcess.RunAsync(["run", other, "--store", store, "--slots", "1", "--threads", "1"], TimeSpan.FromMinutes(2));
        Assert.True(third.ExitCode == 0, third.Stderr);
    }

    [Fact]
    public async Task A_local_run_on_the_database_of_a_live_cluster_is_refused()
    {
        var database = await server.CreateDatabaseAsync("guard_cluster");
        var url = $"postgres://postgres@127.0.0.1:{server.Port}/guard_cluster";
        await using var silo = AegridProcess.Start("silo", ["silo", "--store", url, "--slots", "1", "--threads", "1",
            "--silo-port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString()]);
        await silo.WaitForOutputAsync("aegrid silo: running", TimeSpan.FromSeconds(180));
        using var folder = new TemporaryFolder();
        var spec = SweepFiles.Write(folder.Path, "local", SweepFiles.Tiny("local", "architecture: linear\nepochs: 1", limit: 300));

        var run = await AegridProcess.RunAsync(["run", spec, "--store", url, "--slots", "1"], TimeSpan.FromMinutes(1));

        output.WriteLine($"exit {run.ExitCode}: {run.Stderr.Trim()}");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is the store of a running cluster (1 live silos)", run.Stderr);
        Assert.Empty(await StoreQueries.QueryAsync(database, "SELECT id FROM sweeps", r => r.GetString(0)));
    }
}
