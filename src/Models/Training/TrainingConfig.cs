namespace AeGrid.Models.Training;

/// <summary>
/// Everything that decides what one training run computes. Immutable; the same config, data and seed give
/// the same numbers on CPU. Null members mean "the architecture's tutorial default"
/// (see <see cref="Architectures.ArchitectureRegistry"/>); <see cref="WithDefaults"/> fills them in.
/// </summary>
public sealed record TrainingConfig
{
    public required string Architecture { get; init; }
    public int? EncodingDim { get; init; }
    /// <summary>Hidden layer sizes where the architecture has them (deep-mlp, denoise-mlp, cluster-mlp).</summary>
    public IReadOnlyList<int>? HiddenSizes { get; init; }
    public double? NoiseFactor { get; init; }
    public bool? ClipNoise { get; init; }
    public double? LearningRate { get; init; }
    /// <summary>"adam" or "sgd".</summary>
    public string? Optimizer { get; init; }
    public int? BatchSize { get; init; }
    public int? Epochs { get; init; }
    public long Seed { get; init; } = 1;
    /// <summary>A named dataset (mnist, fashion-mnist) or a directory holding the four IDX files.</summary>
    public string? Dataset { get; init; }
    /// <summary>Use only the first N training images.</summary>
    public int? Limit { get; init; }

    /// <summary>Returns a copy with every null member replaced by the architecture's tutorial default.</summary>
    public TrainingConfig WithDefaults() => throw new NotImplementedException();

    /// <summary>Throws <see cref="InvalidHyperparameterException"/> naming the first bad parameter.</summary>
    public void Validate() => throw new NotImplementedException();
}

/// <summary>A hyperparameter value that cannot be trained; <see cref="Parameter"/> names it as the CLI and sweep files spell it.</summary>
public sealed class InvalidHyperparameterException(string parameter, string message)
    : ArgumentException($"{parameter}: {message}")
{
    public string Parameter { get; } = parameter;
}
