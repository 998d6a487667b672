using System.Diagnostics;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests;

/// <summary>
/// Every silo dies at once (a whole cluster pre-empted) and new ones start: the running sweep continues from the store
/// and its durable reminder, and the trials that had completed are not run again.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class ClusterRestartTests(PostgresServer server, ITestOutputHelper output)
{
    const int Epochs = 4;

    [Fact]
    public async Task A_sweep_continues_after_the_whole_cluster_restarted_without_rerunning_completed_trials()
    {
        var database = await server.CreateDatabaseAsync("grid_restart");
        var url = $"postgres://postgres@127.0.0.1:{server.Port}/grid_restart";
        var silos = new List<AegridProcess>();
        var clock = Stopwatch.StartNew();
        void Log(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0}s {what}");

        async Task<List<AegridProcess>> StartSilosAsync(string prefix)
        {
            var started = Enumerable.Range(0, 2).Select(i => AegridProcess.Start($"{prefix}{i}",
            [
                "silo", "--store", url, "--slots", "1", "--threads", "1", "--fast-failure-detection", "--sweep-reminder", "10",
                "--silo-port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString(),
            ])).ToList();
            silos.AddRange(started);
            foreach (var silo in started) await silo.WaitForOutputAsync("aegrid silo: running", TimeSpan.FromSeconds(180));
            return started;
        }

        try
        {
            var first = await StartSilosAsync("old");
            var specPath = SweepFiles.Write(Path.Combine(Path.GetTempPath(), $"aegrid-restart-{Guid.NewGuid():N}"), "restart", $"""
                name: restart
                dataset: {RepoPaths.MnistFixture}
                limit: 300
                epochs: {Epochs}
                search: grid
                architecture: conv-denoise
                space:
                  seed: [1, 2, 3, 4, 5, 6]
                """);
            var submit = await AegridProcess.RunAsync(["sweep", "submit", specPath, "--cluster", url], TimeSpan.FromSeconds(180));
            Assert.True(submit.ExitCode == 0, submit.Stderr);
            var sweepId = submit.Stdout.Trim();
            Log($"submitted {sweepId}");

            // Wait until some trials are done and others are mid-way, then kill every silo.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (true)
            {
                var done = await CountAsync(database, "SELECT count(*)::int FROM trials WHERE status = 'completed'");
                var midway = await CountAsync(database, $"SELECT count(*)::int FROM trials WHERE status = 'running' AND epochs_completed BETWEEN 1 AND {Epochs - 1}");
                if (done >= 2 && midway >= 1) break;
                Assert.True(DateTime.UtcNow < deadline, "the sweep never had completed and mid-way trials at once");
                await Task.Delay(200);
            }
            foreach (var silo in first) silo.KillHard();
            Log("SIGKILL every silo");
            var completedBefore = await StoreQueries.QueryAsync(database,
                "SELECT id, attempts FROM trials WHERE status = 'completed'", r => (Trial: r.GetString(0), Attempts: r.GetInt32(1)));

            await Task.Delay(TimeSpan.FromSeconds(2));
            await StartSilosAsync("new");
            Log("new silos running");

            var watch = await AegridProcess.RunAsync(["sweep", "watch", sweepId, "--cluster", url, "--json"], TimeSpan.FromMinutes(5));
            Log($"sweep watch exited {watch.ExitCode}");
            Assert.True(watch.ExitCode == 0, watch.Stderr + watch.Stdout);

            var statuses = await StoreQueries.QueryAsync(database, "SELECT status, count(*)::int FROM trials GROUP BY status",
                r => (r.GetString(0), r.GetInt32(1)));
            Assert.Equal([("completed", 6)], statuses);
            Assert.Empty(await StoreQueries.DuplicateEpochsAsync(database));
            Assert.Empty(StoreQueries.OverlappingAttempts(await StoreQueries.AttemptsAsync(database)));

            // What had completed was not trained again: same attempts, and each of its epochs stored once.
            foreach (var (trial, attempts) in completedBefore)
            {
                var now = await CountAsync(database, $"SELECT attempts FROM trials WHERE id = '{trial}'");
                Assert.Equal(attempts, now);
                Assert.Equal(0, await CountAsync(database, $"SELECT coalesce(sum(write_count - 1), 0)::int FROM epoch_metrics WHERE trial_id = '{trial}'"));
            }
            var redone = await CountAsync(database, "SELECT coalesce(sum(write_count - 1), 0)::int FROM epoch_metrics");
            Log($"{completedBefore.Count} trials had completed before the restart; epochs redone: {redone}");
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.Terminate();
                try { await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)); } catch (TimeoutException) { }
                var log = silo.Stderr + silo.Stdout;
                output.WriteLine($"--- {silo.Name} (last 3000 chars) ---\n{(log.Length > 3000 ? log[^3000..] : log)}");
                await silo.DisposeAsync();
            }
        }
    }

    static async Task<int> CountAsync(string database, string sql) =>
        (await StoreQueries.QueryAsync(database, sql, r => r.GetInt32(0)))[0];
}
