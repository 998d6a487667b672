namespace AeGrid.Grains.Sweeps;

/// <summary>Which pruner stops unpromising trials early (`pruner:` in a sweep file), with its settings.</summary>
public abstract record PrunerSpec;

/// <summary>`pruner: none` (the default): every trial runs all its epochs.</summary>
public sealed record NoPrunerSpec : PrunerSpec;

/// <summary>
/// `pruner: {median: {startup_trials, warmup_epochs, interval}}`, Optuna's MedianPruner: no verdict until
/// <paramref name="StartupTrials"/> trials completed, none in a trial's first <paramref name="WarmupEpochs"/> epochs,
/// then every <paramref name="Interval"/> epochs. Defaults: 5, 0, 1 (Optuna's).
/// </summary>
public sealed record MedianPrunerSpec(int StartupTrials = 5, int WarmupEpochs = 0, int Interval = 1) : PrunerSpec;

/// <summary>
/// `pruner: {asha: {min_epochs, reduction_factor}}`, asynchronous successive halving: rungs at
/// min_epochs·η^k epochs; a trial reaching a rung goes on only in the top 1/η there. Defaults: 1, 3.
/// </summary>
public sealed record AshaPrunerSpec(int MinEpochs = 1, int ReductionFactor = 3) : PrunerSpec;
