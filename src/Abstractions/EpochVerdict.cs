namespace AeGrid.Abstractions;

/// <summary>
/// What a sweep decided about one epoch a trial reported (<see cref="ISweepGrain.ReportEpoch"/>); the sweep pushes it back
/// with <see cref="ITrialGrain.ApplyVerdict"/>.
/// </summary>
[GenerateSerializer]
public enum EpochVerdict
{
    /// <summary>Train on.</summary>
    Continue = 0,
    /// <summary>The pruner says stop: end the attempt as pruned.</summary>
    Prune = 1,
    /// <summary>
    /// Population-based training replaced this trial's checkpoint and hyperparameters with a better trial's, and ended its
    /// attempt in the same store transaction: stop training and write nothing more (the store refuses it anyway); the
    /// sweep runs the trial again from the copied checkpoint.
    /// </summary>
    Exploited = 2,
}
