using System.Text.Json;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests;

/// <summary>
/// The grid as users run it: two `aegrid silo` processes on loopback sharing a real PostgreSQL, a `sweep submit` from a
/// third process, and `sweep watch` from a fourth to the end.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class MultiProcessTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Two_silo_processes_run_a_sweep_submitted_and_watched_from_other_processes()
    {
        var database = await server.CreateDatabaseAsync("grid_processes");
        var url = $"postgres://postgres@127.0.0.1:{server.Port}/grid_processes";
        var silos = new List<AegridProcess>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                silos.Add(AegridProcess.Start($"silo{i}",
                [
                    "silo", "--store", url, "--slots", "1", "--threads", "1", "--fast-failure-detection",
                    "--silo-port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString(),
                ]));
            }
            foreach (var silo in silos) await silo.WaitForOutputAsync("aegrid silo: running", TimeSpan.FromSeconds(180));

            var specPath = SweepFiles.Write(Path.Combine(Path.GetTempPath(), $"aegrid-mp-{Guid.NewGuid():N}"), "processes",
                SweepFiles.Small("processes", epochs: 2));
            var submit = await AegridProcess.RunAsync(["sweep", "submit", specPath, "--json"], TimeSpan.FromSeconds(90),
                new Dictionary<string, string> { ["AEGRID_CLUSTER"] = url });
            output.WriteLine(submit.Stderr);
            Assert.Equal(0, submit.ExitCode);
            var id = JsonDocument.Parse(submit.Stdout).RootElement.GetProperty("id").GetString()!;

            var watch = await AegridProcess.RunAsync(["sweep", "watch", id, "--cluster", url, "--json"], TimeSpan.FromMinutes(5));
            output.WriteLine(watch.Stderr);
            Assert.Equal(0, watch.ExitCode);
            var result = JsonDocument.Parse(watch.Stdout.Trim().Split('\n')[^1]).RootElement;
            Assert.Equal(id, result.GetProperty("id").GetString());
            Assert.Equal("completed", result.GetProperty("state").GetString());
            Assert.Equal(6, result.GetProperty("counts").GetProperty("completed").GetInt32());
            Assert.Equal(6, result.GetProperty("leaderboard").GetArrayLength());

            Assert.Empty(await StoreQueries.DuplicateEpochsAsync(database));
            var attempts = await StoreQueries.AttemptsAsync(database);
            Assert.Equal(2, attempts.Select(a => a.Silo).Distinct().Count());
            Assert.All(attempts.GroupBy(a => a.Silo), g => Assert.Equal(1, StoreQueries.MaxConcurrent(g)));

            // Read commands against the cluster: status lists every trial; an unknown id is one clear line.
            var status = await AegridProcess.RunAsync(["sweep", "status", id, "--cluster", url, "--json"], TimeSpan.FromSeconds(60));
            Assert.Equal(0, status.ExitCode);
            Assert.Equal(6, JsonDocument.Parse(status.Stdout).RootElement.GetProperty("trials").GetArrayLength());
            var unknown = await AegridProcess.RunAsync(["sweep", "status", "no-such-sweep", "--cluster", url], TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, unknown.ExitCode);
            Assert.Contains("unknown sweep no-such-sweep", unknown.Stderr);
            Assert.Single(unknown.Stderr.Trim().Split('\n'));
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.Terminate();
                try { await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)); } catch (TimeoutException) { }
                output.WriteLine($"--- {silo.Name} stderr ---\n{silo.Stderr}");
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_silo_stopped_while_it_starts_exits_cleanly()
    {
        await server.CreateDatabaseAsync("grid_stop_starting");
        var url = $"postgres://postgres@127.0.0.1:{server.Port}/grid_stop_starting";
        // Several stop moments, since where start-up is when the signal lands varies with the machine's load.
        foreach (var delay in new[] { 1000, 1800, 2600 })
        {
            await using var silo = AegridProcess.Start("silo", ["silo", "--store", url, "--slots", "1",
                "--silo-port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString()]);
            await Task.Delay(delay);
            silo.Terminate();
            await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"SIGTERM after {delay} ms: exit {silo.ExitCode}: {silo.Stderr.Trim().Split('\n').LastOrDefault()}");
            Assert.DoesNotContain("Unhandled exception", silo.Stderr);
            Assert.NotEqual(134, silo.ExitCode); // an abort, as a crash
        }
    }

    [Fact]
    public async Task A_silo_that_cannot_reach_the_database_says_so_in_one_line_and_exits_non_zero()
    {
        var closedPort = LoopbackPorts.Free();
        var run = await AegridProcess.RunAsync(["silo", "--store", $"postgres://postgres@127.0.0.1:{closedPort}/nothing"], TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, run.ExitCode);
        var lines = run.Stderr.Trim().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("aegrid silo: cannot start:", lines[0]);
        Assert.Contains("PostgreSQL", lines[0]);
    }
}
