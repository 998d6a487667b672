using AeGrid.Models.Architectures;

namespace AeGrid.Models.Training;

/// <summary>
/// A fresh run's first weights: seeded initialisation, or given weights (a warm start: a forked sweep's trials fine-tune
/// another trial's model). The optimiser starts fresh either way; only a resume restores its state.
/// </summary>
internal static class ModelInitialisation
{
    /// <param name="initialWeights">TorchSharp's module format (<see cref="ModelFiles"/>); null for seeded initialisation.</param>
    /// <exception cref="CheckpointFormatException">The weights do not fit the config's model.</exception>
    public static void Apply(Autoencoder model, Hyperparameters config, byte[]? initialWeights)
    {
        if (initialWeights is not null)
        {
            TrainedModel.LoadState(model, initialWeights, "initial weights", config);
            return;
        }
        using var generator = Seeds.Initialisation(config.Seed);
        model.InitializeParameters(generator);
    }
}
