using System.Text.Json;
using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// `aegrid report SWEEP`, `trial show` and `sweep delete` against a cluster (--cluster): a real silo on a real PostgreSQL,
/// the `aegrid` command tree in this process connecting as a client, as a user's laptop would.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class SweepReportOnClusterTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task A_clusters_sweep_is_reported_shown_and_deleted_through_the_grid()
    {
        var database = await server.CreateDatabaseAsync("grid_report");
        var url = $"postgres://postgres@127.0.0.1:{server.Port}/grid_report";
        await using var grid = await InProcessGrid.StartAsync(database, silos: 1, slotsPerSilo: 2);
        var spec = SweepFiles.Tiny("cluster-report", """
            architecture: linear
            epochs: 2
            search: grid
            keep_best: 1
            space:
              lr: [0.01, 0.001]
            """);
        var id = await grid.Client.GetGrain<ISweepDirectoryGrain>(0).Submit(spec, "cluster-report.yaml");
        await grid.WaitForSweepAsync(id, TimeSpan.FromMinutes(3));
        using var folder = new TemporaryFolder();

        var report = await AegridCli.RunAsync("report", id, "--cluster", url, "--insecure", "--out", folder.Path, "--json");
        output.WriteLine(report.ToString());
        Assert.True(report.ExitCode == 0, report.ToString());
        var manifest = JsonDocument.Parse(report.Stdout).RootElement;
        Assert.Equal("completed", manifest.GetProperty("state").GetString());
        Assert.Equal(["lr"], manifest.GetProperty("varying_hyperparameters").EnumerateArray().Select(e => e.GetString()));
        var model = Assert.Single(manifest.GetProperty("models").EnumerateArray());
        Assert.Equal("kept model", model.GetProperty("source").GetString());
        Assert.True(File.Exists(Path.Combine(folder.Path, "report.html")));

        var trial = TrialConfig.MakeId(id, 0);
        var show = await AegridCli.RunAsync("trial", "show", trial, "--cluster", url, "--insecure", "--csv");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal(3, show.StdoutLines.Length); // header and two epochs

        var deleted = await AegridCli.RunAsync("sweep", "delete", id, "--cluster", url, "--insecure");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        var gone = await AegridCli.RunAsync("trial", "show", trial, "--cluster", url, "--insecure");
        Assert.Equal(2, gone.ExitCode);
        Assert.Contains($"unknown sweep {id}", Assert.Single(gone.StderrLines));
    }
}
