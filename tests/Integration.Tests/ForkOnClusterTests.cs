using System.Text.Json;
using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests;

/// <summary>`aegrid sweep fork` as users run it: a separate client process against a cluster on a real PostgreSQL.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class ForkOnClusterTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Sweep_fork_from_another_process_starts_a_sweep_from_the_named_trials_weights_and_refuses_a_running_one()
    {
        var database = await server.CreateDatabaseAsync("grid_fork");
        var url = $"postgres://postgres@127.0.0.1:{server.Port}/grid_fork";
        await using var grid = await InProcessGrid.StartAsync(database, silos: 1, slotsPerSilo: 1);
        var directory = grid.Client.GetGrain<ISweepDirectoryGrain>(0);
        var source = await directory.Submit(SweepFiles.Tiny("fork-source", "architecture: linear\nepochs: 3\nsearch: grid\nspace:\n  lr: [0.01, 0.005]\n", limit: 600), "source.yaml");
        var trained = await grid.WaitForSweepAsync(source, TimeSpan.FromMinutes(2));
        var second = trained.Trials[1]; // not the default (best) one: --from picks it

        using var folder = new TemporaryFolder();
        var spec = SweepFiles.Write(folder.Path, "tune", "lr: 1.0e-9\nepochs: 1\n");
        var fork = await AegridProcess.RunAsync(["sweep", "fork", source, "--from", second.TrialId, spec, "--cluster", url, "--json"], TimeSpan.FromSeconds(90));
        output.WriteLine(fork.Stderr);
        Assert.Equal(0, fork.ExitCode);
        var answer = JsonDocument.Parse(fork.Stdout).RootElement;
        var id = answer.GetProperty("id").GetString()!;
        Assert.Equal(second.TrialId, answer.GetProperty("forked_from").GetProperty("trial").GetString());

        var tuned = Assert.Single((await grid.WaitForSweepAsync(id, TimeSpan.FromMinutes(2))).Trials);
        Assert.Equal(second.LastEpoch!.TestMse, tuned.LastEpoch!.TestMse, second.LastEpoch.TestMse * 1e-3);
        var status = await AegridProcess.RunAsync(["sweep", "status", id, "--cluster", url], TimeSpan.FromSeconds(60));
        Assert.Contains($"forked from {source}/{second.TrialId}", status.Stdout);

        // A source trial that has not finished (pending or running): exit code 5 and one line; nothing created.
        var running = await directory.Submit(SweepFiles.Tiny("fork-slow", "architecture: linear\nepochs: 1000\nlr: 0.001\n", limit: 600), "slow.yaml");
        var refused = await AegridProcess.RunAsync(["sweep", "fork", running, "--from", TrialConfig.MakeId(running, 0), spec, "--cluster", url], TimeSpan.FromSeconds(90));
        output.WriteLine(refused.Stderr);
        Assert.Equal(5, refused.ExitCode);
        Assert.Contains($"trial {TrialConfig.MakeId(running, 0)} is still", Assert.Single(refused.Stderr.Trim().Split('\n')));
        await grid.Client.GetGrain<ISweepGrain>(running).Cancel();
        Assert.Equal(3, (await directory.List()).Length);
    }
}
