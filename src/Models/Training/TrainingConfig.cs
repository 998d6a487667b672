using AeGrid.Models.Architectures;
using AeGrid.Models.Data;

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

    // The bounds below keep one trial from asking a silo for more than it can give (hidden_sizes [200000, 200000] is
    // 40 billion weights); each is far beyond what the tutorials' 28×28 images need. Sweep files are checked against
    // them before a sweep starts (HyperparameterCatalog reads these constants), `aegrid train` before it trains.
    /// <summary>Hidden layers at most: the deepest tutorial model has 3.</summary>
    public const int MaxHiddenLayers = 16;
    /// <summary>Units in one hidden layer at most: 20 times the input's 784 pixels.</summary>
    public const int MaxLayerWidth = 16_384;
    /// <summary>Epochs at most: the tutorials train 10 to 20.</summary>
    public const int MaxEpochs = 10_000;
    /// <summary>Batch size at most, whatever the dataset: MNIST's whole training split is 60,000 images.</summary>
    public const int MaxBatchSize = 65_536;

    /// <summary>Why <paramref name="sizes"/> cannot be a model's hidden layers, or null when they can.</summary>
    public static string? HiddenSizesProblem(IReadOnlyList<int> sizes)
    {
        if (sizes.Count == 0) return "must list at least one layer size";
        if (sizes.Count > MaxHiddenLayers)
            return $"at most {MaxHiddenLayers} hidden layers, got {sizes.Count}";
        foreach (var size in sizes)
        {
            if (size < 1) return $"every layer size must be positive, got {size} in [{string.Join(", ", sizes)}]";
            if (size > MaxLayerWidth)
                return $"a hidden layer may have at most {MaxLayerWidth} units, got {size} in [{string.Join(", ", sizes)}]";
        }
        return null;
    }

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
            if (HiddenSizesProblem(HiddenSizes) is { } problem)
                throw new InvalidHyperparameterException("hidden_sizes", problem);
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
        if (BatchSize > MaxBatchSize)
            throw new InvalidHyperparameterException("batch_size", $"must be at most {MaxBatchSize}, got {BatchSize}");
        if (Epochs is < 1)
            throw new InvalidHyperparameterException("epochs", $"must be a positive integer, got {Epochs}");
        if (Epochs > MaxEpochs)
            throw new InvalidHyperparameterException("epochs", $"must be at most {MaxEpochs}, got {Epochs}");
        if (Limit is < 1)
            throw new InvalidHyperparameterException("limit", $"must be a positive number of training images, got {Limit}");
        if (Dataset is not null && string.IsNullOrWhiteSpace(Dataset))
            throw new InvalidHyperparameterException("dataset", "must name a dataset (mnist, fashion-mnist) or a directory, got an empty string");
        // Last: it reads limit and dataset, which must be valid themselves first.
        if (BatchSize is { } batch && TrainImages() is { } images && batch > images.Count)
            throw new InvalidHyperparameterException("batch_size",
                $"{batch} is more than the {images.Count} training images {images.Source}; a batch cannot be larger than the training set");
    }

    /// <summary>How many training images a trial will have, where that is known without reading the data: its limit,
    /// else a known dataset's training split (the architecture's default dataset is always a known one).</summary>
    (int Count, string Source)? TrainImages()
    {
        var dataset = Dataset ?? ArchitectureRegistry.Get(Architecture).Defaults.Dataset;
        var known = DatasetCatalog.KnownTrainCount(dataset);
        if (Limit is { } limit && (known is null || limit < known)) return (limit, $"(limit: {limit})");
        return known is { } count ? (count, $"in {dataset}") : null;
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
