using System.Collections.Immutable;
using AeGrid.Abstractions;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// The one place where the wire record (<see cref="Hyperparameters"/>, Orleans-serialisable) meets the Models'
/// <see cref="TrainingConfig"/> (free of Orleans). Member for member; nulls stay nulls (the architecture's default).
/// </summary>
public static class TrialConfigMapping
{
    public static TrainingConfig ToTrainingConfig(Hyperparameters parameters) => new()
    {
        Architecture = parameters.Architecture,
        EncodingDim = parameters.EncodingDim,
        HiddenSizes = parameters.HiddenSizes is { IsDefault: false } sizes ? sizes.ToArray() : null,
        NoiseFactor = parameters.NoiseFactor,
        ClipNoise = parameters.ClipNoise,
        LearningRate = parameters.LearningRate,
        Optimizer = parameters.Optimizer,
        BatchSize = parameters.BatchSize,
        Epochs = parameters.Epochs,
        Seed = parameters.Seed,
        Dataset = parameters.Dataset,
        Limit = parameters.Limit,
    };

    public static Hyperparameters FromTrainingConfig(TrainingConfig config) => new()
    {
        Architecture = config.Architecture,
        EncodingDim = config.EncodingDim,
        HiddenSizes = config.HiddenSizes is { } sizes ? [.. sizes] : (ImmutableArray<int>?)null,
        NoiseFactor = config.NoiseFactor,
        ClipNoise = config.ClipNoise,
        LearningRate = config.LearningRate,
        Optimizer = config.Optimizer,
        BatchSize = config.BatchSize,
        Epochs = config.Epochs,
        Seed = config.Seed,
        Dataset = config.Dataset,
        Limit = config.Limit,
    };

    /// <summary>
    /// Throws <see cref="InvalidHyperparameterException"/> naming the first parameter that cannot be trained:
    /// first the ranges every architecture shares (<see cref="HyperparameterCatalog"/>), then the Models' own rules.
    /// </summary>
    public static void Validate(Hyperparameters parameters)
    {
        foreach (var definition in HyperparameterCatalog.All)
        {
            if (definition.Get(parameters) is { } value && definition.Problem(value) is { } problem)
                throw new InvalidHyperparameterException(definition.Name, problem);
        }
        ToTrainingConfig(parameters).Validate();
    }
}
