namespace AeGrid.SearchBenchmark;

/// <summary>
/// One AeGrid method × seed: its sweep file, `aegrid run FILE --store DB --slots N --threads 1 --json` on a fresh
/// SQLite store, then every epoch read back from that store.
/// </summary>
public sealed class SweepRun(SearchOptions options, string workDirectory)
{
    /// <summary>aegrid's exit code for input it refuses (a sweep file with a search kind this build lacks, among others).</summary>
    const int BadInput = 2;

    public async Task<RunRecord> RunAsync(SearchMethod method, int seed, CancellationToken ct)
    {
        var stem = Path.Combine(workDirectory, $"{method.Name}-s{seed}");
        var specPath = stem + ".yaml";
        var database = stem + ".db";
        await File.WriteAllTextAsync(specPath, SweepFile.Yaml(method, seed, options), ct);

        string[] args =
        [
            BenchmarkPaths.AegridDll, "run", specPath, "--store", database,
            "--slots", options.Slots.ToString(), "--threads", "1", "--device", "cpu", "--json",
        ];
        var result = await ChildProcess.RunAsync("dotnet", args, stem + ".log", options.TimeoutPerRun, ct);

        if (result.ExitCode == BadInput && !HasTrials(database))
        {
            var why = method.MayBeMissingFromBuild
                ? $"this build has no {method.Search} (aegrid refused {Path.GetFileName(specPath)}: {result.ErrorLine})"
                : $"aegrid refused {Path.GetFileName(specPath)}: {result.ErrorLine}";
            return RunRecord.Skip(method, seed, why);
        }
        if (!File.Exists(database))
            return RunRecord.Skip(method, seed, $"`aegrid run` exited with {result.ExitCode} before creating its store: {result.ErrorLine}");

        var (epochs, byStatus) = StoreEpochs.Read(database);
        if (method.CutAtBudget) epochs = WithinBudget(epochs, options.BudgetEpochs);
        // 0: done; 3: every trial diverged; 4: none completed. All three still trained epochs worth counting.
        string? problem = result.TimedOut ? $"stopped after {options.TimeoutPerRun.TotalMinutes:0} min; figures as it stood"
            : result.ExitCode is 0 or 3 or 4 ? null
            : $"`aegrid run` exited with {result.ExitCode}: {result.ErrorLine}";
        return new RunRecord(method, seed, epochs, byStatus, result.Wall, Problem: problem);
    }

    /// <summary>The epochs that finished before the run had trained <paramref name="budget"/> epochs (in finishing order).</summary>
    static IReadOnlyList<EpochEvent> WithinBudget(IReadOnlyList<EpochEvent> epochs, int budget)
    {
        var kept = new List<EpochEvent>();
        var spent = 0;
        foreach (var epoch in epochs)
        {
            spent += epoch.EpochsTrained;
            if (spent > budget) break;
            kept.Add(epoch);
        }
        return kept;
    }

    /// <summary>A file refused before submission leaves an empty store (or none): nothing ran.</summary>
    static bool HasTrials(string database)
    {
        if (!File.Exists(database)) return false;
        try
        {
            return StoreEpochs.Read(database).TrialsByStatus.Count > 0;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return false; // created but never migrated
        }
    }
}
