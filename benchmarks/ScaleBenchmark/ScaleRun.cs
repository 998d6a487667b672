using System.Diagnostics;
using AeGrid.Grains.Store;
using AeGrid.Grains.Sweeps;
using AeGrid.TestSupport;
using Npgsql;

namespace AeGrid.ScaleBenchmark;

/// <summary>
/// One configuration: N real `aegrid silo` processes (1 slot, 1 torch thread each, loopback ports) on their own database,
/// one sweep submitted with `aegrid sweep submit`, waited for through the store, then measured from the store.
/// </summary>
public sealed class ScaleRun(PostgresServer server, BenchmarkOptions options, string logDirectory)
{
    const int SlotsPerSilo = 1;
    static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);
    static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(15);

    public sealed record Outcome(ScaleFigures Figures, string SweepId, bool TimedOut, TimeSpan ClusterStartup);

    /// <summary>What one finished trial leaves in the database, about: its last checkpoint (0.6 MB linear, 2.6 MB deep-mlp).</summary>
    const long BytesPerTrial = 2_000_000;

    public async Task<Outcome> RunAsync(int silos, int trials, CancellationToken ct)
    {
        // Every finished trial keeps its checkpoint: 50,000 of them filled 78 GB here and ended the run part way.
        var free = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace;
        if (free < trials * BytesPerTrial)
            Console.WriteLine($"  warning: {free / 1e9:0.0} GB free under {Path.GetTempPath()}; {trials} trials' checkpoints need about {trials * BytesPerTrial / 1e9:0} GB");
        var database = await server.CreateDatabaseAsync($"scale_{silos}_silos_{trials}_trials");
        // The schema exists before any silo starts, so the benchmark can watch the slot ledger fill from the first poll.
        await using (var store = PostgresTrialStore.Create(database)) await store.MigrateAsync(ct);
        var cluster = new List<AegridCli>();
        try
        {
            var startup = Stopwatch.StartNew();
            for (var i = 1; i <= silos; i++)
                cluster.Add(AegridCli.Start($"silo {i}/{silos}",
                [
                    "silo", "--store", database, "--slots", SlotsPerSilo.ToString(), "--threads", "1", "--fast-failure-detection",
                    "--silo-port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString(),
                    "--data-root", Path.GetDirectoryName(ScaleSweep.FixtureDataset)!,
                ], Path.Combine(logDirectory, $"{silos}-silos-{trials}-silo{i}.log")));
            await WaitForSlotsAsync(database, cluster, silos, ct);
            startup.Stop();
            Console.WriteLine($"  {silos} silo(s) registered their slots in {startup.Elapsed.TotalSeconds:0.0} s");

            var specPath = Path.Combine(logDirectory, $"scale-{silos}-{trials}.yaml");
            // A sweep file may ask for at most SweepSpecParser.MaxTrials trials; a larger sweep grows with `sweep extend`, as a
            // user's would, while its first trials already run.
            int submittedTrials = Math.Min(trials, SweepSpecParser.MaxTrials);
            await File.WriteAllTextAsync(specPath,
                ScaleSweep.Yaml($"scale-{silos}-silos-{trials}", submittedTrials, options, ScaleSweep.FixtureDataset), ct);
            var submitted = await AegridCli.RunAsync("sweep submit", ["sweep", "submit", specPath, "--cluster", database],
                Path.Combine(logDirectory, $"{silos}-silos-{trials}-submit.log"), TimeSpan.FromMinutes(2));
            var sweepId = submitted.Trim().Split('\n')[^1].Trim();
            Console.WriteLine($"  submitted {sweepId}: {submittedTrials} trials");
            for (int added = submittedTrials; added < trials;)
            {
                int more = Math.Min(SweepSpecParser.MaxTrialsPerExtend, trials - added);
                await AegridCli.RunAsync("sweep extend", ["sweep", "extend", sweepId, "--trials", more.ToString(), "--cluster", database],
                    Path.Combine(logDirectory, $"{silos}-silos-{trials}-extend-{added}.log"), TimeSpan.FromMinutes(2));
                added += more;
                Console.WriteLine($"  extended {sweepId} by {more} trials: {added} in all");
            }

            var timedOut = !await WaitForSweepAsync(database, sweepId, cluster, ct);
            var figures = await ScaleFigures.ReadAsync(database, sweepId, silos, SlotsPerSilo, ct);
            return new Outcome(figures, sweepId, timedOut, startup.Elapsed);
        }
        finally
        {
            await Task.WhenAll(cluster.Select(s => s.StopAsync(TimeSpan.FromSeconds(40))));
            foreach (var silo in cluster) await silo.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
        }
    }

    /// <summary>The sweep starts only once every silo offers its slots, so all configurations start alike.</summary>
    static async Task WaitForSlotsAsync(string database, IReadOnlyList<AegridCli> cluster, int silos, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (true)
        {
            ThrowIfAnyExited(cluster);
            if (await ScalarAsync<long>(database, "SELECT count(*) FROM silos", null, ct) >= silos) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{silos} silo(s) did not all register within {StartupTimeout.TotalMinutes:0} min:\n" +
                                           string.Join("\n", cluster.Select(s => $"{s.Name} ({s.LogPath}):\n{s.Tail}")));
            await Task.Delay(250, ct);
        }
    }

    /// <summary>Polls the sweep's state in the store; false when it was still running at the time-out.</summary>
    async Task<bool> WaitForSweepAsync(string database, string sweepId, IReadOnlyList<AegridCli> cluster, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        while (true)
        {
            ThrowIfAnyExited(cluster);
            var state = await ScalarAsync<string>(database, "SELECT state FROM sweeps WHERE id = $1", sweepId, ct);
            if (state is not null && state != "running") return true;
            if (clock.Elapsed - lastProgress >= ProgressEvery)
            {
                lastProgress = clock.Elapsed;
                var counts = await CountsAsync(database, sweepId, ct);
                Console.WriteLine($"  {clock.Elapsed.TotalMinutes,5:0.0} min: {counts}");
            }
            if (clock.Elapsed > options.TimeoutPerConfiguration)
            {
                Console.WriteLine($"  time-out after {options.TimeoutPerConfiguration.TotalMinutes:0} min: measuring what finished");
                return false;
            }
            await Task.Delay(PollInterval, ct);
        }
    }

    static void ThrowIfAnyExited(IEnumerable<AegridCli> cluster)
    {
        if (cluster.FirstOrDefault(s => s.HasExited) is { } gone)
            throw new InvalidOperationException($"{gone.Name} exited; see {gone.LogPath}:\n{gone.Tail}");
    }

    static async Task<string> CountsAsync(string database, string sweepId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT status, count(*) FROM trials WHERE sweep_id = $1 GROUP BY status ORDER BY status", connection)
        {
            Parameters = { new NpgsqlParameter<string> { TypedValue = sweepId } },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        var parts = new List<string>();
        while (await reader.ReadAsync(ct)) parts.Add($"{reader.GetInt64(1)} {reader.GetString(0)}");
        return string.Join(", ", parts);
    }

    static async Task<T?> ScalarAsync<T>(string database, string sql, string? parameter, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null) command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        return await command.ExecuteScalarAsync(ct) is T value ? value : default;
    }
}
