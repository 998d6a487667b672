using System.Collections.Immutable;

namespace AeGrid.Catalog;

/// <summary>
/// Every hyperparameter a trial has, in the canonical order of the stored JSON and trial labels: the one table of
/// names, kinds, bounds and descriptions. Sweep files, the store, every --json and `aegrid train`'s options read it;
/// adding a hyperparameter is a member of <see cref="Hyperparameters"/>, an entry here, and its use in the Models.
/// </summary>
public static class HyperparameterCatalog
{
    public const string Architecture = "architecture";
    public const string Dataset = "dataset";
    public const string Limit = "limit";
    public const string EncodingDim = "encoding_dim";
    public const string HiddenSizes = "hidden_sizes";
    public const string NoiseFactor = "noise_factor";
    public const string ClipNoise = "clip_noise";
    public const string LearningRate = "lr";
    public const string Optimizer = "optimizer";
    public const string BatchSize = "batch_size";
    public const string Epochs = "epochs";
    public const string Seed = "seed";
    public const string Shuffle = "shuffle";

    // The bounds below keep one trial from asking a silo for more than it can give (hidden_sizes [200000, 200000] is
    // 40 billion weights); each is far beyond what the tutorials' 28×28 images need. Sweep files are checked against
    // them before a sweep starts, `aegrid train` before it trains.
    /// <summary>The code can be at most as large as the input: 28×28 pixels (the Models' Autoencoder.PixelCount).</summary>
    public const int MaxEncodingDim = 784;
    /// <summary>Hidden layers at most: the deepest tutorial model has 3.</summary>
    public const int MaxHiddenLayers = 16;
    /// <summary>Units in one hidden layer at most: 20 times the input's 784 pixels.</summary>
    public const int MaxLayerWidth = 16_384;
    /// <summary>Epochs at most: the tutorials train 10 to 20.</summary>
    public const int MaxEpochs = 10_000;
    /// <summary>Batch size at most, whatever the dataset: MNIST's whole training split is 60,000 images.</summary>
    public const int MaxBatchSize = 65_536;

    public static IReadOnlyList<string> Optimizers { get; } = ["adam", "sgd"];

    public static IReadOnlyList<HyperparameterDefinition> All { get; } =
    [
        Text(Architecture, "Architecture: linear, deep-mlp, denoise-mlp, conv-denoise or cluster-mlp",
            p => p.Architecture, (p, v) => p with { Architecture = v }) with { ShortOption = "arch", Required = true },
        Text(Dataset, "mnist, fashion-mnist, or a directory holding the four IDX .gz files",
            p => p.Dataset, (p, v) => p with { Dataset = v }),
        Integer(Limit, "Train on the first N training images only", 1, int.MaxValue,
            p => p.Limit, (p, v) => p with { Limit = (int)v }),
        Integer(EncodingDim, "Size of the code layer", 1, MaxEncodingDim,
            p => p.EncodingDim, (p, v) => p with { EncodingDim = (int)v }),
        new(HiddenSizes, ParameterKind.Sizes, "Hidden layer sizes, encoder side, e.g. 256,128",
            p => p.HiddenSizes is { IsDefault: false } sizes ? new SizesValue(new ValueList<int>(sizes)) : null,
            (p, v) => p with { HiddenSizes = ((SizesValue)v).Sizes.ToImmutableArray() },
            v => HiddenSizesProblem(((SizesValue)v).Sizes)),
        Real(NoiseFactor, "Noise factor of denoising architectures", 0, lowExclusive: false,
            p => p.NoiseFactor, (p, v) => p with { NoiseFactor = v }) with { ShortOption = "noise" },
        Flag(ClipNoise, "Clip noisy inputs to [0,1] (--clip-noise false to turn off)",
            p => p.ClipNoise, (p, v) => p with { ClipNoise = v }),
        Real(LearningRate, "Learning rate", 0, lowExclusive: true,
            p => p.LearningRate, (p, v) => p with { LearningRate = v }) with { FormerNames = ["learning_rate"] },
        Text(Optimizer, "Optimiser", p => p.Optimizer, (p, v) => p with { Optimizer = v }) with { Choices = Optimizers },
        Integer(BatchSize, "Images per batch", 1, MaxBatchSize, p => p.BatchSize, (p, v) => p with { BatchSize = (int)v }),
        Integer(Epochs, "Passes over the training images", 1, MaxEpochs, p => p.Epochs, (p, v) => p with { Epochs = (int)v }),
        Integer(Seed, "Seed for initialisation, shuffling and noise [default: 1]", 0, long.MaxValue,
            p => p.Seed, (p, v) => p with { Seed = v }),
        Flag(Shuffle, "Visit the training images in a new seeded order every epoch (--shuffle false to keep their order)",
            p => p.Shuffle, (p, v) => p with { Shuffle = v }),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(d => d.Name)];

    /// <summary>The parameter named <paramref name="name"/>; null for an unknown name (former names are not matched).</summary>
    public static HyperparameterDefinition? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    public static HyperparameterDefinition Get(string name) =>
        Find(name) ?? throw new ArgumentException($"unknown hyperparameter '{name}'", nameof(name));

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

    /// <summary>
    /// Throws <see cref="InvalidHyperparameterException"/> naming the first parameter outside the range every
    /// architecture shares; the Models' own rules (which architecture takes what) come after.
    /// </summary>
    public static void CheckRanges(Hyperparameters parameters)
    {
        foreach (var definition in All)
        {
            if (definition.Get(parameters) is { } value && definition.Problem(value) is { } problem)
                throw new InvalidHyperparameterException(definition.Name, problem);
        }
    }

    private static HyperparameterDefinition Text(string name, string description, Func<Hyperparameters, string?> get,
        Func<Hyperparameters, string, Hyperparameters> set) =>
        new(name, ParameterKind.Text, description,
            p => get(p) is { } text ? new TextValue(text) : null,
            (p, v) => set(p, ((TextValue)v).Value),
            v => string.IsNullOrWhiteSpace(((TextValue)v).Value) ? "must not be empty" : null);

    private static HyperparameterDefinition Flag(string name, string description, Func<Hyperparameters, bool?> get,
        Func<Hyperparameters, bool, Hyperparameters> set) =>
        new(name, ParameterKind.Flag, description,
            p => get(p) is { } flag ? new FlagValue(flag) : null,
            (p, v) => set(p, ((FlagValue)v).Value),
            _ => null);

    private static HyperparameterDefinition Integer(string name, string description, long min, long max,
        Func<Hyperparameters, long?> get, Func<Hyperparameters, long, Hyperparameters> set) =>
        new(name, ParameterKind.Integer, description,
            p => get(p) is { } integer ? new IntegerValue(integer) : null,
            (p, v) => set(p, ((IntegerValue)v).Value),
            v => ((IntegerValue)v).Value switch
            {
                var n when n < min => $"must be at least {min}, got {n}",
                var n when n > max => $"must be at most {max}, got {n}",
                _ => null,
            }) { Maximum = max };

    private static HyperparameterDefinition Real(string name, string description, double low, bool lowExclusive,
        Func<Hyperparameters, double?> get, Func<Hyperparameters, double, Hyperparameters> set) =>
        new(name, ParameterKind.Real, description,
            p => get(p) is { } real ? new RealValue(real) : null,
            (p, v) => set(p, ((RealValue)v).Value),
            v => ((RealValue)v).Value switch
            {
                var x when !double.IsFinite(x) => $"must be a finite number, got {v}",
                var x when lowExclusive && x <= low => $"must be greater than {low}, got {v}",
                var x when !lowExclusive && x < low => $"must be at least {low}, got {v}",
                _ => null,
            });
}
