namespace AeGrid.SearchBenchmark;

/// <summary>
/// The figures of one run, against a target: the best test MSE any run of any method found, plus the tolerance.
/// An epoch's test MSE counts as found once that epoch finished; epochs are taken in the order they finished.
/// </summary>
public sealed record RunFigures(RunRecord Run, double BestMse, int EpochsTrained, int? EpochsToTarget)
{
    /// <summary>"Within 2 % of the best": MSE ≤ best × (1 + tolerance).</summary>
    public const double Tolerance = 0.02;

    public static double Best(RunRecord run) =>
        run.Epochs.Select(e => e.TestMse).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();

    /// <summary>The best test MSE of all runs that ran: what "within 2 % of the best" is measured against.</summary>
    public static double Target(IEnumerable<RunRecord> runs) =>
        runs.Where(r => r.Ran).Select(Best).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();

    public static RunFigures Of(RunRecord run, double target)
    {
        var threshold = target * (1 + Tolerance);
        int spent = 0;
        int? reachedAt = null;
        foreach (var epoch in run.Epochs)
        {
            spent += epoch.EpochsTrained;
            if (reachedAt is null && double.IsFinite(epoch.TestMse) && epoch.TestMse <= threshold) reachedAt = spent;
        }
        return new RunFigures(run, Best(run), spent, reachedAt);
    }
}

/// <summary>One method's runs over all seeds, summarised: medians and ranges.</summary>
public sealed record MethodFigures(SearchMethod Method, IReadOnlyList<RunFigures> Runs, IReadOnlyList<RunRecord> Skipped)
{
    public Spread BestMse => Spread.Of(Runs.Select(r => r.BestMse).Where(double.IsFinite));
    public Spread EpochsTrained => Spread.Of(Runs.Select(r => (double)r.EpochsTrained));
    /// <summary>A seed that never came within 2 % counts as infinitely many epochs, so the median says "never" when most did not.</summary>
    public Spread EpochsToTarget => Spread.Of(Runs.Select(r => r.EpochsToTarget is { } e ? e : double.PositiveInfinity));
    public int Reached => Runs.Count(r => r.EpochsToTarget is not null);
    public Spread WallSeconds => Spread.Of(Runs.Select(r => r.Run.Wall.TotalSeconds));

    public IReadOnlyDictionary<string, int> TrialsByStatus =>
        Runs.SelectMany(r => r.Run.TrialsByStatus).GroupBy(kv => kv.Key)
            .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));

    public static IReadOnlyList<MethodFigures> Of(IReadOnlyList<SearchMethod> methods, IReadOnlyList<RunRecord> runs)
    {
        var target = RunFigures.Target(runs);
        return methods.Select(m => new MethodFigures(m,
                runs.Where(r => r.Method == m && r.Ran).Select(r => RunFigures.Of(r, target)).ToList(),
                runs.Where(r => r.Method == m && !r.Ran).ToList()))
            .ToList();
    }
}

/// <summary>Median and range of a handful of values (one per seed).</summary>
public sealed record Spread(int Count, double Median, double Min, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return new Spread(0, double.NaN, double.NaN, double.NaN);
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(sorted.Length, median, sorted[0], sorted[^1]);
    }
}
