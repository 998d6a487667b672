using AeGrid.Models.Architectures;

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
    /// <summary>Visit the training images in a new seeded order every epoch (the tutorials differ; see the registry).</summary>
    public bool? Shuffle { get; init; }

    public static IReadOnlyList<string> Optimizers { get; } = ["adam", "sgd"];

    /// <summary>Returns a copy with every null member replaced by the architecture's tutorial default.</summary>
    /// <exception cref="InvalidHyperparameterException">The architecture is unknown.</exception>
    public TrainingConfig WithDefaults()
    {
        var architecture = ArchitectureRegistry.Get(Architecture);
        var defaults = architecture.Defaults;
        // denoise-mlp's code is its last hidden layer: given hidden sizes but no encoding_dim, keep their last.
        int encodingDim = EncodingDim
            ?? (architecture.CodeIsLastHiddenLayer && HiddenSizes is { Count: > 0 } ? HiddenSizes[^1] : defaults.EncodingDim);
        return this with
        {
            EncodingDim = encodingDim,
            HiddenSizes = HiddenSizes ?? defaults.HiddenSizes,
            NoiseFactor = NoiseFactor ?? defaults.NoiseFactor,
            ClipNoise = ClipNoise ?? defaults.ClipNoise,
            LearningRate = LearningRate ?? defaults.LearningRate,
            Optimizer = Optimizer ?? defaults.Optimizer,
            BatchSize = BatchSize ?? defaults.BatchSize,
            Epochs = Epochs ?? defaults.Epochs,
            Dataset = Dataset ?? defaults.Dataset,
            Shuffle = Shuffle ?? defaults.Shuffle,
        };
    }

    /// <summary>Throws <see cref="InvalidHyperparameterException"/> naming the first bad parameter.</summary>
    /// <remarks>Checks the members that are set; null members stand for defaults, which are valid.</remarks>
    public void Validate()
    {
        var architecture = ArchitectureRegistry.Get(Architecture);
        if (EncodingDim is { } dim)
        {
            if (dim < 1 || dim > Autoencoder.PixelCount)
                throw new InvalidHyperparameterException("encoding_dim",
                    $"must be between 1 and {Autoencoder.PixelCount} (the input size), got {dim}");
            if (architecture.FixedEncodingDim is { } fixedDim && dim != fixedDim)
                throw new InvalidHyperparameterException("encoding_dim",
                    $"{architecture.Name}'s code size is fixed at {fixedDim} by its layers; got {dim} (leave encoding_dim unset)");
        }
        if (HiddenSizes is not null)
        {
            if (!architecture.HasHiddenSizes)
                throw new InvalidHyperparameterException("hidden_sizes",
                    $"{architecture.Name} has no configurable hidden layers (it applies to {string.Join(", ", ArchitectureRegistry.All.Where(a => a.HasHiddenSizes).Select(a => a.Name))})");
            if (HiddenSizes.Count == 0)
                throw new InvalidHyperparameterException("hidden_sizes", "must list at least one layer size");
            foreach (var size in HiddenSizes)
                if (size < 1)
                    throw new InvalidHyperparameterException("hidden_sizes",
                        $"every layer size must be positive, got {size} in [{string.Join(", ", HiddenSizes)}]");
        }
        if (NoiseFactor is { } noise && !(noise >= 0 && double.IsFinite(noise)))
            throw new InvalidHyperparameterException("noise_factor", $"must be zero or a positive number, got {noise}");
        if (LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr)))
            throw new InvalidHyperparameterException("lr", $"must be a positive number, got {lr}");
        if (Optimizer is not null && !Optimizers.Contains(Optimizer, StringComparer.Ordinal))
            throw new InvalidHyperparameterException("optimizer",
                $"unknown optimizer '{Optimizer}'; known: {string.Join(", ", Optimizers)}");
        if (BatchSize is < 1)
            throw new InvalidHyperparameterException("batch_size", $"must be a positive integer, got {BatchSize}");
        if (Epochs is < 1)
            throw new InvalidHyperparameterException("epochs", $"must be a positive integer, got {Epochs}");
        if (Limit is < 1)
            throw new InvalidHyperparameterException("limit", $"must be a positive number of training images, got {Limit}");
        if (Dataset is not null && string.IsNullOrWhiteSpace(Dataset))
            throw new InvalidHyperparameterException("dataset", "must name a dataset (mnist, fashion-mnist) or a directory, got an empty string");
    }

    /// <summary>The members that decide the shape of the model and optimiser state; a checkpoint only fits a config with the same.</summary>
    internal string ShapeDescription()
    {
        var filled = WithDefaults();
        var hidden = filled.HiddenSizes is null ? "" : $" hidden_sizes=[{string.Join(",", filled.HiddenSizes)}]";
        return $"{filled.Architecture} encoding_dim={filled.EncodingDim}{hidden} optimizer={filled.Optimizer}";
    }
}

/// <summary>A hyperparameter value that cannot be trained; <see cref="Parameter"/> names it as the CLI and sweep files spell it.</summary>
public sealed class InvalidHyperparameterException(string parameter, string message)
    : ArgumentException($"{parameter}: {message}")
{
    public string Parameter { get; } = parameter;
}
