using AeGrid.Models.Training;

namespace AeGrid.Models.Architectures;

/// <summary>The tutorial's settings for one architecture: what <see cref="TrainingRules.WithDefaults"/> fills in.</summary>
public sealed record ArchitectureDefaults
{
    public required int EncodingDim { get; init; }
    /// <summary>Null for architectures without configurable hidden layers.</summary>
    public IReadOnlyList<int>? HiddenSizes { get; init; }
    public double NoiseFactor { get; init; }
    public bool ClipNoise { get; init; }
    public required double LearningRate { get; init; }
    public string Optimizer { get; init; } = "adam";
    public required int BatchSize { get; init; }
    public required int Epochs { get; init; }
    public required bool Shuffle { get; init; }
    public string Dataset { get; init; } = "mnist";
}

/// <summary>One architecture: its name, tutorial defaults, which hyperparameters apply, and how to build it.</summary>
public sealed record ArchitectureInfo
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required ArchitectureDefaults Defaults { get; init; }
    /// <summary>Whether hidden_sizes applies.</summary>
    public bool HasHiddenSizes { get; init; }
    /// <summary>When set, the code size is fixed by the layers and encoding_dim may only repeat it.</summary>
    public int? FixedEncodingDim { get; init; }
    /// <summary>denoise-mlp: the code is the last hidden layer, so encoding_dim replaces the last hidden size.</summary>
    public bool CodeIsLastHiddenLayer { get; init; }
    /// <summary>Epochs also report k-means clustering of the test codes against the labels.</summary>
    public bool ReportsClustering { get; init; }
    /// <summary>Builds the model from a config with defaults filled in.</summary>
    public required Func<Hyperparameters, Autoencoder> Create { get; init; }
}

/// <summary>Name → architecture, with each tutorial's defaults.</summary>
public static class ArchitectureRegistry
{
    public const string Linear = "linear";
    public const string DeepMlp = "deep-mlp";
    public const string DenoiseMlp = "denoise-mlp";
    public const string ConvDenoise = "conv-denoise";
    public const string ClusterMlp = "cluster-mlp";

    static readonly IReadOnlyList<ArchitectureInfo> Architectures =
    [
        new()
        {
            Name = Linear,
            Description = "Linear(784→d)+ReLU, Linear(d→784)+sigmoid",
            Defaults = new() { EncodingDim = 32, LearningRate = 1e-3, BatchSize = 20, Epochs = 20, Shuffle = false },
            Create = config => new LinearAutoencoder(config.EncodingDim!.Value),
        },
        new()
        {
            Name = DeepMlp,
            Description = "784-128-64-12-d ReLU MLP, mirrored decoder ending in sigmoid; 3-D latent space",
            Defaults = new()
            {
                EncodingDim = 3, HiddenSizes = [128, 64, 12], LearningRate = 5e-3, BatchSize = 64, Epochs = 10,
                Shuffle = true, Dataset = "fashion-mnist",
            },
            HasHiddenSizes = true,
            Create = config => new DeepMlpAutoencoder(config.HiddenSizes!.Value, config.EncodingDim!.Value),
        },
        new()
        {
            Name = DenoiseMlp,
            Description = "sigmoid MLP 784-256-128 mirrored, uniform(−1,1) init, Gaussian input noise 0.6 (unclipped)",
            Defaults = new()
            {
                EncodingDim = 128, HiddenSizes = [256, 128], NoiseFactor = 0.6, ClipNoise = false, LearningRate = 0.01,
                BatchSize = 100, Epochs = 20, Shuffle = true,
            },
            HasHiddenSizes = true,
            CodeIsLastHiddenLayer = true,
            Create = config => new DenoisingMlpAutoencoder([.. config.HiddenSizes!.Value.SkipLast(1), config.EncodingDim!.Value]),
        },
        new()
        {
            Name = ConvDenoise,
            Description = "Conv 1→32→16→8 + max-pool, ConvTranspose 8→8→16→32, Conv 32→1 + sigmoid; noise 0.5 clipped",
            Defaults = new()
            {
                EncodingDim = ConvDenoisingAutoencoder.FixedCodeSize, NoiseFactor = 0.5, ClipNoise = true,
                LearningRate = 1e-3, BatchSize = 20, Epochs = 20, Shuffle = false,
            },
            FixedEncodingDim = ConvDenoisingAutoencoder.FixedCodeSize,
            Create = _ => new ConvDenoisingAutoencoder(),
        },
        new()
        {
            Name = ClusterMlp,
            Description = "per-image standardised 784-256-d ReLU MLP, linear output; k-means (k=10) on the codes",
            Defaults = new()
            {
                EncodingDim = 100, HiddenSizes = [256], LearningRate = 0.01, BatchSize = 100, Epochs = 20, Shuffle = true,
            },
            HasHiddenSizes = true,
            ReportsClustering = true,
            Create = config => new ClusteringMlpAutoencoder(config.HiddenSizes!.Value, config.EncodingDim!.Value),
        },
    ];

    /// <summary>The known names, in the order above.</summary>
    public static IReadOnlyList<string> Names { get; } = Architectures.Select(a => a.Name).ToList();

    public static IReadOnlyList<ArchitectureInfo> All => Architectures;

    public static bool TryGet(string? name, out ArchitectureInfo info)
    {
        info = Architectures.FirstOrDefault(a => a.Name == name)!;
        return info is not null;
    }

    /// <summary>The architecture called <paramref name="name"/>; an unknown name throws naming the known ones.</summary>
    public static ArchitectureInfo Get(string? name) =>
        TryGet(name, out var info)
            ? info
            : throw new InvalidHyperparameterException(HyperparameterCatalog.Architecture,
                $"unknown architecture '{ErrorText.Quote(name ?? "")}'; known: {string.Join(", ", Names)}");

    /// <summary>A freshly constructed (not yet seeded) model for <paramref name="config"/>; defaults are filled and validated first.</summary>
    public static Autoencoder Create(Hyperparameters config)
    {
        var filled = config.WithDefaults();
        filled.Validate();
        return Get(filled.Architecture).Create(filled);
    }
}
