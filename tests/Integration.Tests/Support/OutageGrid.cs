using System.Diagnostics;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Support;

/// <summary>
/// A cluster of real `aegrid silo` processes on its own database of the test's PostgreSQL, with a short attempt lease,
/// plus the store queries the outage tests assert on. Disposing it stops every silo (thawing frozen ones first) and
/// prints the end of each silo's log to the test output.
/// </summary>
public sealed class OutageGrid : IAsyncDisposable
{
    public const int LeaseSeconds = 6;
    readonly ITestOutputHelper _output;
    readonly bool _fastFailureDetection;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"aegrid-outage-{Guid.NewGuid():N}");

    public string Database { get; }
    public string Url { get; }
    public List<AegridProcess> Silos { get; } = [];

    OutageGrid(string database, string url, ITestOutputHelper output, bool fastFailureDetection)
    {
        Database = database;
        Url = url;
        _output = output;
        _fastFailureDetection = fastFailureDetection;
    }

    public static async Task<OutageGrid> StartAsync(PostgresServer server, ITestOutputHelper output, string name, int silos,
        bool fastFailureDetection, int slots = 1)
    {
        var database = await server.CreateDatabaseAsync(name);
        var grid = new OutageGrid(database, $"postgres://postgres@127.0.0.1:{server.Port}/{name}", output, fastFailureDetection);
        grid.AddSilos(silos, slots);
        await grid.WaitUntilRunningAsync();
        return grid;
    }

    public void Log(string what) => _output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.0}s {what}");

    public void AddSilos(int count, int slots = 1)
    {
        for (int i = 0; i < count; i++)
        {
            var args = new List<string>
            {
                "silo", "--store", Url, "--slots", slots.ToString(), "--threads", "1", "--attempt-lease", LeaseSeconds.ToString(),
                "--silo-port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString(),
                "--shutdown-grace", "20",
            };
            if (_fastFailureDetection) args.Add("--fast-failure-detection");
            Silos.Add(AegridProcess.Start($"silo{Silos.Count}", args));
        }
    }

    public async Task WaitUntilRunningAsync()
    {
        foreach (var silo in Silos.Where(s => !s.HasExited))
            await silo.WaitForOutputAsync("aegrid silo: running", TimeSpan.FromSeconds(180));
        Log($"{Silos.Count(s => !s.HasExited)} silos running");
    }

    /// <summary>Submits a grid of conv-denoise trials over 300 fixture images: about a second an epoch.</summary>
    public async Task<string> SubmitAsync(string name, int trials, int epochs)
    {
        var seeds = string.Join(", ", Enumerable.Range(1, trials));
        var spec = SweepFiles.Write(_folder, name, $"""
            name: {name}
            dataset: {RepoPaths.MnistFixture}
            limit: 300
            epochs: {epochs}
            search: grid
            keep_best: 1
            architecture: conv-denoise
            space:
              seed: [{seeds}]
            """);
        var submit = await AegridProcess.RunAsync(["sweep", "submit", spec, "--cluster", Url], TimeSpan.FromSeconds(180));
        if (submit.ExitCode != 0) throw new InvalidOperationException($"submit failed: {submit.Stderr}");
        Log($"submitted {submit.Stdout.Trim()}");
        return submit.Stdout.Trim();
    }

    /// <summary>Submits a sweep file given as text.</summary>
    public async Task<string> SubmitSpecAsync(string name, string specText)
    {
        var submit = await AegridProcess.RunAsync(["sweep", "submit", SweepFiles.Write(_folder, name, specText), "--cluster", Url],
            TimeSpan.FromSeconds(180));
        if (submit.ExitCode != 0) throw new InvalidOperationException($"submit failed: {submit.Stderr}");
        Log($"submitted {submit.Stdout.Trim()}");
        return submit.Stdout.Trim();
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> WatchAsync(string sweepId, TimeSpan timeout) =>
        AegridProcess.RunAsync(["sweep", "watch", sweepId, "--cluster", Url, "--json"], timeout);

    /// <summary>Silos (addresses) training a trial that has at least <paramref name="minEpochs"/> stored and is far from done.</summary>
    async Task<List<string>> BusySilosAsync(int minEpochs) => await StoreQueries.QueryAsync(Database, $"""
        SELECT DISTINCT a.silo FROM trial_attempts a JOIN trials t ON t.id = a.trial_id
        WHERE a.ended_at IS NULL AND t.epochs_completed >= {minEpochs} AND t.epochs_completed <= 4
        """, r => r.GetString(0));

    public async Task WaitForTrainingAsync(int silos, int minEpochs, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((await BusySilosAsync(minEpochs)).Count < silos)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{silos} silos were never training mid-trial at once");
            await Task.Delay(200);
        }
        Log($"{silos} silos training mid-trial");
    }

    /// <summary>Two different silos training mid-trial.</summary>
    public async Task<(AegridProcess First, AegridProcess Second)> TwoSilosTrainingAsync(int minEpochs, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var busy = await BusySilosAsync(minEpochs);
            var training = Silos.Where(s => !s.HasExited && busy.Any(s.IsSilo)).ToList();
            if (training.Count >= 2) return (training[0], training[1]);
            await Task.Delay(200);
        }
        throw new TimeoutException("two silos were never training mid-trial at once");
    }

    /// <summary>A silo other than <paramref name="except"/> training mid-trial.</summary>
    public async Task<AegridProcess> SiloTrainingAsync(int minEpochs, TimeSpan timeout, AegridProcess except)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var busy = await BusySilosAsync(minEpochs);
            if (Silos.FirstOrDefault(s => s != except && !s.HasExited && busy.Any(s.IsSilo)) is { } silo) return silo;
            await Task.Delay(200);
        }
        throw new TimeoutException($"no silo but {except.Name} was ever training mid-trial");
    }

    public async Task<string> SiloAddressOfAsync(AegridProcess silo) =>
        (await StoreQueries.QueryAsync(Database, "SELECT DISTINCT silo FROM trial_attempts", r => r.GetString(0))).First(silo.IsSilo);

    public record AttemptRef(string Trial, int Number);

    public async Task<AttemptRef> OpenAttemptOnAsync(string silo) => (await StoreQueries.QueryAsync(Database,
        $"SELECT trial_id, attempt FROM trial_attempts WHERE silo = {Quote(silo)} AND ended_at IS NULL",
        r => new AttemptRef(r.GetString(0), r.GetInt32(1)))).Single();

    /// <summary>Waits until <paramref name="attempt"/> is closed by someone, and says how and when.</summary>
    public async Task<(string Outcome, DateTime At)> WaitForAttemptClosedAsync(AttemptRef attempt, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var closed = await StoreQueries.QueryAsync(Database,
                $"SELECT outcome, ended_at FROM trial_attempts WHERE trial_id = {Quote(attempt.Trial)} AND attempt = {attempt.Number} AND ended_at IS NOT NULL",
                r => (r.GetString(0), r.GetDateTime(1)));
            if (closed.Count == 1) return closed[0];
            await Task.Delay(200);
        }
        throw new TimeoutException($"attempt {attempt.Number} of {attempt.Trial} was never closed");
    }

    public async Task<string> OutcomeOfAsync(AttemptRef attempt) => (await StoreQueries.QueryAsync(Database,
        $"SELECT coalesce(outcome, 'open') FROM trial_attempts WHERE trial_id = {Quote(attempt.Trial)} AND attempt = {attempt.Number}",
        r => r.GetString(0))).Single();

    /// <summary>When the attempt after <paramref name="attempt"/> started: the trial resumed.</summary>
    public async Task<DateTime> ResumedAfterAsync(string trial, int attempt) => (await StoreQueries.QueryAsync(Database,
        $"SELECT min(started_at) FROM trial_attempts WHERE trial_id = {Quote(trial)} AND attempt > {attempt}",
        r => r.GetDateTime(0))).Single();

    /// <summary>Whether Orleans' membership table still lists the silo ("ip:port@generation") as Active (status 3).</summary>
    public async Task<bool> IsActiveMemberAsync(string silo)
    {
        var (endpoint, generation) = (silo[..silo.IndexOf('@')], silo[(silo.IndexOf('@') + 1)..]);
        var port = endpoint[(endpoint.LastIndexOf(':') + 1)..];
        var status = await StoreQueries.QueryAsync(Database,
            $"SELECT status FROM orleansmembershiptable WHERE port = {port} AND generation = {generation}", r => r.GetInt32(0));
        return status is [3];
    }

    public async Task<int> AttemptsWithOutcomeAsync(string outcome) => (await StoreQueries.QueryAsync(Database,
        $"SELECT count(*)::int FROM trial_attempts WHERE outcome = {Quote(outcome)}", r => r.GetInt32(0))).Single();

    public async Task<DateTime> SweepFinishedAtAsync(string sweepId) => (await StoreQueries.QueryAsync(Database,
        $"SELECT finished_at FROM sweeps WHERE id = {Quote(sweepId)}", r => r.GetDateTime(0))).Single();

    public async Task<int> RedoneEpochsAsync() => (await StoreQueries.QueryAsync(Database,
        "SELECT coalesce(sum(write_count - 1), 0)::int FROM epoch_metrics", r => r.GetInt32(0))).Single();

    /// <summary>Every trial completed, each epoch stored exactly once, and no trial ever had two attempts open at once.</summary>
    public async Task AssertEveryTrialCompletedOnceAsync(int trials, int epochs)
    {
        var statuses = await StoreQueries.QueryAsync(Database, "SELECT status, count(*)::int FROM trials GROUP BY status",
            r => (r.GetString(0), r.GetInt32(1)));
        Assert.Equal([("completed", trials)], statuses);
        Assert.Empty(await StoreQueries.DuplicateEpochsAsync(Database));
        Assert.All(await StoreQueries.EpochCountsAsync(Database), c => Assert.Equal((epochs, epochs), (c.Epochs, c.MaxEpoch)));
        var attempts = await StoreQueries.AttemptsAsync(Database);
        Assert.Empty(StoreQueries.OverlappingAttempts(attempts));
        foreach (var line in await StoreQueries.QueryAsync(Database,
                     "SELECT silo, coalesce(outcome, 'open'), count(*)::int FROM trial_attempts GROUP BY 1, 2 ORDER BY 1",
                     r => $"{r.GetString(0)} {r.GetString(1)} x{r.GetInt32(2)}"))
            Log(line);
    }

    static string Quote(string text) => "'" + text.Replace("'", "''") + "'";

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            silo.Thaw();
            silo.Terminate();
        }
        foreach (var silo in Silos)
        {
            try { await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)); } catch (TimeoutException) { }
            var log = silo.Stderr + silo.Stdout;
            _output.WriteLine($"--- {silo.Name} exit {(silo.HasExited ? silo.ExitCode : -1)} (last 6000 chars) ---\n{(log.Length <= 6000 ? log : log[^6000..])}");
            await silo.DisposeAsync();
        }
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
