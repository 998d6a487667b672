namespace AeGrid.SearchBenchmark;

/// <summary>
/// One way of searching the space. <paramref name="Search"/> is the sweep file's `search:` (null: not an AeGrid sweep
/// but Optuna driving `aegrid train`); <paramref name="Pruned"/> adds the ASHA pruner.
/// <paramref name="TrialsFactor"/> multiplies the trials it may create; a method given more trials than the others is
/// cut at the epoch budget (<see cref="CutAtBudget"/>): only what it found within its first budget-many epochs counts.
/// </summary>
public sealed record SearchMethod(string Name, string? Search, bool Pruned, string Description, int TrialsFactor = 1)
{
    public static readonly SearchMethod Grid = new("grid", "grid", false, "grid search over the space discretised");
    public static readonly SearchMethod Random = new("random", "random", false, "random search");
    public static readonly SearchMethod Asha = new("asha", "random", true, "random search + ASHA pruner");
    public static readonly SearchMethod TpeAsha = new("tpe-asha", "tpe", true, "AeGrid's TPE sampler + ASHA pruner");
    // ASHA stops most trials at 1 or 3 epochs, so 32 trials leave much of the budget unspent: this one gets 3x the
    // trials and is judged on its first 288 epochs (in the order they finished), the same budget as the others.
    public static readonly SearchMethod TpeAshaFullBudget = new("tpe-asha-budget", "tpe", true,
        "AeGrid's TPE + ASHA with 3x the trials, cut at the epoch budget", TrialsFactor: 3);
    public static readonly SearchMethod Pbt = new("pbt", "pbt", false, "population-based training");
    public static readonly SearchMethod OptunaTpe = new("optuna-tpe", null, false, "Optuna 3.1's TPESampler, each trial `aegrid train --json`");

    public static readonly IReadOnlyList<SearchMethod> All = [Grid, Random, Asha, TpeAsha, TpeAshaFullBudget, Pbt, OptunaTpe];

    /// <summary>Search kinds merged after this benchmark was written: a build without them refuses their sweep files.</summary>
    public bool MayBeMissingFromBuild => Search is "tpe" or "pbt";

    public bool IsOptuna => Search is null;

    public bool CutAtBudget => TrialsFactor > 1;

    public static IReadOnlyList<SearchMethod> ParseList(string option, string text)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) throw new ArgumentException($"{option} needs at least one method, got '{text}'");
        var methods = names.Select(name => All.FirstOrDefault(m => m.Name == name)
            ?? throw new ArgumentException($"{option}: unknown method '{name}'; expected {string.Join(", ", All.Select(m => m.Name))}")).ToList();
        var twice = methods.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? methods : throw new ArgumentException($"{option} lists '{twice.Key}' twice");
    }
}
