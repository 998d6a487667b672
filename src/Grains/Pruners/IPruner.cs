namespace AeGrid.Grains.Pruners;

/// <summary>
/// Decides whether a running trial should stop early (Optuna's pruner; what to try next is the sampler's job).
/// Pure: the verdict depends only on the histories passed in, so it can be recomputed after a restart.
/// Called after each epoch a trial reports.
/// </summary>
public interface IPruner
{
    /// <param name="trial">The trial that just reported an epoch (its <see cref="TrialHistory.LastEpoch"/>).</param>
    /// <param name="others">Every other trial of the sweep, in any status; each pruner picks the ones it compares with.</param>
    bool ShouldPrune(TrialHistory trial, IReadOnlyList<TrialHistory> others);
}

/// <summary>`pruner: none`: every trial runs all its epochs.</summary>
public sealed class NoPruner : IPruner
{
    public bool ShouldPrune(TrialHistory trial, IReadOnlyList<TrialHistory> others) => false;
}
