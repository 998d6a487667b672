using System.Diagnostics;
using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests;

/// <summary>
/// The end-to-end fault test: three `aegrid silo` processes on a real PostgreSQL run a sweep while one silo is killed
/// with SIGKILL, another is stopped with SIGTERM, and PostgreSQL is restarted. Every trial must complete, every epoch
/// row must exist exactly once, and no trial may ever have two attempts open at once.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class FaultToleranceTests(PostgresServer server, ITestOutputHelper output)
{
    const int Trials = 12;
    const int Epochs = 6;

    [Fact]
    public async Task A_sweep_survives_a_killed_silo_a_drained_silo_and_a_database_restart()
    {
        var database = await server.CreateDatabaseAsync("grid_faults");
        var url = $"postgres://postgres@127.0.0.1:{server.Port}/grid_faults";
        var silos = new List<AegridProcess>();
        var clock = Stopwatch.StartNew();
        void Log(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0}s {what}");

        AegridProcess StartSilo(string name)
        {
            var silo = AegridProcess.Start(name,
            [
                "silo", "--store", url, "--slots", "1", "--threads", "1", "--fast-failure-detection",
                "--silo-port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString(),
                "--shutdown-grace", "20",
            ]);
            silos.Add(silo);
            return silo;
        }

        try
        {
            var first = Enumerable.Range(0, 3).Select(i => StartSilo($"silo{i}")).ToList();
            foreach (var silo in first) await silo.WaitForOutputAsync("aegrid silo: running", TimeSpan.FromSeconds(180));
            Log("3 silos running");

            var specPath = SweepFiles.Write(Path.Combine(Path.GetTempPath(), $"aegrid-faults-{Guid.NewGuid():N}"), "faults", $"""
                name: faults
                dataset: {RepoPaths.MnistFixture}
                limit: 300
                epochs: {Epochs}
                search: grid
                keep_best: 2
                architecture: conv-denoise
                space:
                  seed: [1, 2, 3, 4, 5, 6]
                  lr: [0.001, 0.002]
                """);
            var submit = await AegridProcess.RunAsync(["sweep", "submit", specPath, "--cluster", url], TimeSpan.FromSeconds(180));
            Assert.True(submit.ExitCode == 0, submit.Stderr);
            var sweepId = submit.Stdout.Trim();
            Log($"submitted {sweepId}");

            // SIGKILL a silo in the middle of an epoch of a trial that already has a checkpoint.
            var victim = await SiloTrainingAsync(database, first, minEpochs: 1, TimeSpan.FromMinutes(2));
            var killedSilo = await SiloAddressOfAsync(database, victim);
            victim.KillHard();
            var killedAt = DateTime.UtcNow;
            Log($"SIGKILL {victim.Name} ({killedSilo})");

            // PostgreSQL goes away and comes back while trials keep training.
            await Task.Delay(TimeSpan.FromSeconds(3));
            await server.RestartAsync();
            Log("PostgreSQL restarted");

            // SIGTERM another silo while it trains: it must hand its trial off and exit within its grace.
            var drained = await SiloTrainingAsync(database, first.Where(s => s != victim).ToList(), minEpochs: 1, TimeSpan.FromMinutes(2));
            var drainedSilo = await SiloAddressOfAsync(database, drained);
            var stopWatch = Stopwatch.StartNew();
            drained.Terminate();
            await drained.WaitForExitAsync(TimeSpan.FromSeconds(45));
            Log($"SIGTERM {drained.Name}: exited {drained.ExitCode} after {stopWatch.Elapsed.TotalSeconds:0.0}s");
            Assert.Equal(0, drained.ExitCode);
            Assert.True(stopWatch.Elapsed < TimeSpan.FromSeconds(30), $"graceful stop took {stopWatch.Elapsed}");

            // A replacement joins (scale back up); the sweep must finish.
            var replacement = StartSilo("silo3");
            await replacement.WaitForOutputAsync("aegrid silo: running", TimeSpan.FromSeconds(180));
            Log("replacement silo running");

            var watch = await AegridProcess.RunAsync(["sweep", "watch", sweepId, "--cluster", url, "--json"], TimeSpan.FromMinutes(6));
            Log($"sweep watch exited {watch.ExitCode}");
            Assert.True(watch.ExitCode == 0, watch.Stderr + watch.Stdout);

            // Every trial completed, each epoch stored exactly once.
            var statuses = await StoreQueries.QueryAsync(database, "SELECT status, count(*)::int FROM trials GROUP BY status",
                r => (r.GetString(0), r.GetInt32(1)));
            Assert.Equal([("completed", Trials)], statuses);
            Assert.Empty(await StoreQueries.DuplicateEpochsAsync(database));
            var counts = await StoreQueries.EpochCountsAsync(database);
            Assert.Equal(Trials, counts.Count);
            Assert.All(counts, c => Assert.Equal((Epochs, Epochs), (c.Epochs, c.MaxEpoch)));

            // Orleans' single activation plus the store's fencing: never two attempts of a trial open at once.
            var attempts = await StoreQueries.AttemptsAsync(database);
            Assert.Empty(StoreQueries.OverlappingAttempts(attempts));
            foreach (var silo in attempts.GroupBy(a => a.Silo)) Assert.True(StoreQueries.MaxConcurrent(silo) <= 1, silo.Key);

            // The killed silo's trials resumed elsewhere, in bounded time.
            var killedAttempts = attempts.Where(a => a.Silo == killedSilo).Select(a => a.Trial).ToHashSet();
            foreach (var trial in killedAttempts)
            {
                var next = attempts.Where(a => a.Trial == trial && a.Silo != killedSilo && a.Start > killedAt).MinBy(a => a.Start);
                if (next is null) continue; // it had finished before the kill
                var recovery = next.Start - killedAt;
                Log($"{trial}: resumed on {next.Silo} {recovery.TotalSeconds:0.0}s after the kill");
                Assert.True(recovery < TimeSpan.FromSeconds(60), $"{trial} took {recovery} to resume");
            }

            var outcomes = await StoreQueries.QueryAsync(database,
                "SELECT silo, outcome, count(*)::int FROM trial_attempts GROUP BY silo, outcome ORDER BY silo",
                r => $"{r.GetString(0)} {(r.IsDBNull(1) ? "open" : r.GetString(1))} x{r.GetInt32(2)}");
            foreach (var line in outcomes) Log(line);
            Assert.Contains(attempts, a => a.Silo == drainedSilo);

            var redone = (await StoreQueries.QueryAsync(database,
                "SELECT coalesce(sum(write_count - 1), 0)::int FROM epoch_metrics", r => r.GetInt32(0)))[0];
            Log($"epochs of work redone: {redone} of {Trials * Epochs}; {attempts.Count} attempts for {Trials} trials");
            output.WriteLine($"FAULT-TEST: epochs redone {redone} of {Trials * Epochs}");
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.Terminate();
                try { await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)); } catch (TimeoutException) { }
                output.WriteLine($"--- {silo.Name} (last 4000 chars) ---\n{Tail(silo.Stderr + silo.Stdout, 4000)}");
                await silo.DisposeAsync();
            }
        }
    }

    static string Tail(string text, int chars) => text.Length <= chars ? text : text[^chars..];

    /// <summary>Waits until one of <paramref name="candidates"/> trains a trial with at least <paramref name="minEpochs"/> stored, mid-epoch.</summary>
    async Task<AegridProcess> SiloTrainingAsync(string database, IReadOnlyList<AegridProcess> candidates, int minEpochs, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var busy = await StoreQueries.QueryAsync(database, $"""
                SELECT a.silo FROM trial_attempts a JOIN trials t ON t.id = a.trial_id
                WHERE a.ended_at IS NULL AND t.epochs_completed >= {minEpochs} AND t.epochs_completed < {Epochs - 1}
                """, r => r.GetString(0));
            foreach (var silo in candidates.Where(c => !c.HasExited))
                if (busy.Any(silo.IsSilo)) return silo;
            await Task.Delay(200);
        }
        throw new TimeoutException("no silo was training a trial mid-way");
    }

    static async Task<string> SiloAddressOfAsync(string database, AegridProcess silo) =>
        (await StoreQueries.QueryAsync(database, "SELECT DISTINCT silo FROM trial_attempts WHERE ended_at IS NULL", r => r.GetString(0)))
        .First(silo.IsSilo);
}
