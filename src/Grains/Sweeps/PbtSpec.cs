namespace AeGrid.Grains.Sweeps;

/// <summary>
/// `pbt:` settings of a `search: pbt` sweep (population-based training, Jaderberg et al. 2017; defaults are Ray Tune's):
/// every <see cref="PerturbationInterval"/> epochs a trial ranked in the bottom <see cref="Quantile"/> of the population
/// takes the checkpoint of one in the top quantile and perturbs its hyperparameters: each is resampled from the space with
/// <see cref="ResampleProbability"/>, else multiplied by 0.8 or 1.2.
/// </summary>
public sealed record PbtSpec(int PerturbationInterval = PbtSpec.DefaultPerturbationInterval, double Quantile = PbtSpec.DefaultQuantile,
    double ResampleProbability = PbtSpec.DefaultResampleProbability)
{
    public const int DefaultPerturbationInterval = 2;
    public const double DefaultQuantile = 0.25;
    public const double DefaultResampleProbability = 0.25;

    /// <summary>What a perturbation multiplies a number by (Ray Tune's perturbation_factors).</summary>
    public static readonly IReadOnlyList<double> PerturbationFactors = [0.8, 1.2];

    /// <summary>
    /// What PBT may change in a running trial: values the training loop reads afresh after a restore. The model's shape
    /// (architecture, encoding_dim, hidden_sizes) and the optimiser (its saved state is Adam's or SGD's) travel in the
    /// checkpoint and must match it; the dataset, limit, epochs and seed are the trial's identity, not tuning.
    /// </summary>
    public static readonly IReadOnlyList<string> PerturbableParameters =
    [
        HyperparameterCatalog.LearningRate, HyperparameterCatalog.NoiseFactor, HyperparameterCatalog.ClipNoise,
        HyperparameterCatalog.BatchSize,
    ];

    /// <summary>Whether a trial reporting <paramref name="epoch"/> may be exploited there (the last epoch is never: nothing follows).</summary>
    public bool IsDecisionEpoch(int epoch, int totalEpochs) => epoch > 0 && epoch % PerturbationInterval == 0 && epoch < totalEpochs;

    /// <summary>Whether a trial keeps a snapshot of its checkpoint at the end of <paramref name="epoch"/>.</summary>
    public bool IsSnapshotEpoch(int epoch) => epoch > 0 && epoch % PerturbationInterval == 0;
}
