using AeGrid.Models.Architectures;
using static AeGrid.Catalog.HyperparameterCatalog;

namespace AeGrid.Models.Training;

/// <summary>
/// What the Models add to a trial's <see cref="Hyperparameters"/> (the catalog's record, free of Orleans and tensors):
/// the architecture's tutorial defaults and the rules only the architecture knows. The same config, data and seed give
/// the same numbers on CPU. Null members mean "the architecture's tutorial default"
/// (see <see cref="ArchitectureRegistry"/>); <see cref="WithDefaults"/> fills them in.
/// </summary>
public static class TrainingRules
{
    /// <summary>Returns a copy with every null member replaced by the architecture's tutorial default.</summary>
    /// <exception cref="InvalidHyperparameterException">The architecture is unknown.</exception>
    public static Hyperparameters WithDefaults(this Hyperparameters config)
    {
        var architecture = ArchitectureRegistry.Get(config.Architecture);
        var defaults = architecture.Defaults;
        // denoise-mlp's code is its last hidden layer: given hidden sizes but no encoding_dim, keep their last.
        int encodingDim = config.EncodingDim
            ?? (architecture.CodeIsLastHiddenLayer && config.HiddenSizes is { Length: > 0 } sizes ? sizes[^1] : defaults.EncodingDim);
        return config with
        {
            EncodingDim = encodingDim,
            HiddenSizes = config.HiddenSizes ?? (defaults.HiddenSizes is { } hidden ? [.. hidden] : null),
            NoiseFactor = config.NoiseFactor ?? defaults.NoiseFactor,
            ClipNoise = config.ClipNoise ?? defaults.ClipNoise,
            LearningRate = config.LearningRate ?? defaults.LearningRate,
            Optimizer = config.Optimizer ?? defaults.Optimizer,
            BatchSize = config.BatchSize ?? defaults.BatchSize,
            Epochs = config.Epochs ?? defaults.Epochs,
            Dataset = config.Dataset ?? defaults.Dataset,
            Shuffle = config.Shuffle ?? defaults.Shuffle,
        };
    }

    /// <summary>Throws <see cref="InvalidHyperparameterException"/> naming the first bad parameter.</summary>
    /// <remarks>Checks the members that are set; null members stand for defaults, which are valid.</remarks>
    public static void Validate(this Hyperparameters config)
    {
        var architecture = ArchitectureRegistry.Get(config.Architecture);
        if (config.EncodingDim is { } dim)
        {
            if (dim < 1 || dim > Autoencoder.PixelCount)
                throw new InvalidHyperparameterException(EncodingDim,
                    $"must be between 1 and {Autoencoder.PixelCount} (the input size), got {dim}");
            if (architecture.FixedEncodingDim is { } fixedDim && dim != fixedDim)
                throw new InvalidHyperparameterException(EncodingDim,
                    $"{architecture.Name}'s code size is fixed at {fixedDim} by its layers; got {dim} (leave {EncodingDim} unset)");
        }
        if (config.HiddenSizes is { } hiddenSizes)
        {
            if (!architecture.HasHiddenSizes)
                throw new InvalidHyperparameterException(HiddenSizes,
                    $"{architecture.Name} has no configurable hidden layers (it applies to {string.Join(", ", ArchitectureRegistry.All.Where(a => a.HasHiddenSizes).Select(a => a.Name))})");
            if (HiddenSizesProblem(hiddenSizes) is { } problem)
                throw new InvalidHyperparameterException(HiddenSizes, problem);
        }
        if (config.NoiseFactor is { } noise && !(noise >= 0 && double.IsFinite(noise)))
            throw new InvalidHyperparameterException(NoiseFactor, $"must be zero or a positive number, got {noise}");
        if (config.LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr)))
            throw new InvalidHyperparameterException(LearningRate, $"must be a positive number, got {lr}");
        if (config.Optimizer is { } optimizer && !HyperparameterCatalog.Optimizers.Contains(optimizer, StringComparer.Ordinal))
            throw new InvalidHyperparameterException(Optimizer,
                $"unknown optimizer '{ErrorText.Quote(optimizer)}'; known: {string.Join(", ", HyperparameterCatalog.Optimizers)}");
        if (config.BatchSize is < 1)
            throw new InvalidHyperparameterException(BatchSize, $"must be a positive integer, got {config.BatchSize}");
        if (config.BatchSize > MaxBatchSize)
            throw new InvalidHyperparameterException(BatchSize, $"must be at most {MaxBatchSize}, got {config.BatchSize}");
        if (config.Epochs is < 1)
            throw new InvalidHyperparameterException(Epochs, $"must be a positive integer, got {config.Epochs}");
        if (config.Epochs > MaxEpochs)
            throw new InvalidHyperparameterException(Epochs, $"must be at most {MaxEpochs}, got {config.Epochs}");
        if (config.Limit is < 1)
            throw new InvalidHyperparameterException(Limit, $"must be a positive number of training images, got {config.Limit}");
        if (config.Dataset is not null && string.IsNullOrWhiteSpace(config.Dataset))
            throw new InvalidHyperparameterException(Dataset, "must name a dataset (mnist, fashion-mnist) or a directory, got an empty string");
        // Last: it reads limit and dataset, which must be valid themselves first.
        if (config.BatchSize is { } batch && TrainImages(config) is { } images && batch > images.Count)
            throw new InvalidHyperparameterException(BatchSize,
                $"{batch} is more than the {images.Count} training images {images.Source}; a batch cannot be larger than the training set");
    }

    /// <summary>
    /// Throws <see cref="InvalidHyperparameterException"/> naming the first parameter that cannot be trained: first the
    /// ranges every architecture shares (<see cref="HyperparameterCatalog.CheckRanges"/>, as sweep files are read), then
    /// <see cref="Validate"/>'s rules of the architecture.
    /// </summary>
    public static void ValidateAll(this Hyperparameters config)
    {
        CheckRanges(config);
        config.Validate();
    }

    /// <summary>How many training images a trial will have, where that is known without reading the data: its limit,
    /// else a known dataset's training split (the architecture's default dataset is always a known one).</summary>
    static (int Count, string Source)? TrainImages(Hyperparameters config)
    {
        var dataset = config.Dataset ?? ArchitectureRegistry.Get(config.Architecture).Defaults.Dataset;
        var known = Data.DatasetCatalog.KnownTrainCount(dataset);
        if (config.Limit is { } limit && (known is null || limit < known)) return (limit, $"(limit: {limit})");
        return known is { } count ? (count, $"in {dataset}") : null;
    }

    /// <summary>The members that decide the shape of the model and optimiser state; a checkpoint only fits a config with the same.</summary>
    internal static string ShapeDescription(this Hyperparameters config)
    {
        var filled = config.WithDefaults();
        var hidden = filled.HiddenSizes is { } sizes ? $" {HiddenSizes}=[{string.Join(",", sizes)}]" : "";
        return $"{filled.Architecture} {EncodingDim}={filled.EncodingDim}{hidden} {Optimizer}={filled.Optimizer}";
    }
}
