using AeGrid.Abstractions;
using AeGrid.Models.Architectures;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Sweeps;

/// <summary>What kind of value a hyperparameter takes; decides how sweep files and JSON spell it.</summary>
public enum ParameterKind { Text, Integer, Real, Flag, Sizes }

/// <summary>
/// One hyperparameter: its sweep-file name, kind, the <see cref="Hyperparameters"/> member it reads and writes,
/// and the range every architecture shares (architecture-specific rules are the Models' <c>TrainingConfig.Validate</c>).
/// The numeric bounds are the Models' own constants, so a sweep file and `aegrid train` refuse the same values.
/// </summary>
public sealed class HyperparameterDefinition
{
    private readonly Func<Hyperparameters, ParameterValue?> get;
    private readonly Func<Hyperparameters, ParameterValue, Hyperparameters> set;
    private readonly Func<ParameterValue, string?> problem;

    internal HyperparameterDefinition(string name, ParameterKind kind,
        Func<Hyperparameters, ParameterValue?> get,
        Func<Hyperparameters, ParameterValue, Hyperparameters> set,
        Func<ParameterValue, string?> problem)
    {
        Name = name;
        Kind = kind;
        this.get = get;
        this.set = set;
        this.problem = problem;
    }

    /// <summary>As sweep files, the CLI and the stored JSON spell it: snake_case.</summary>
    public string Name { get; }
    public ParameterKind Kind { get; }

    /// <summary>How an error message names the expected type.</summary>
    public string ExpectedType => Kind switch
    {
        ParameterKind.Text => "text",
        ParameterKind.Integer => "an integer",
        ParameterKind.Real => "a number",
        ParameterKind.Flag => "true or false",
        ParameterKind.Sizes => "a list of layer sizes like [256, 128]",
        _ => throw new InvalidOperationException($"unhandled parameter kind {Kind}"),
    };

    /// <summary>The value set on <paramref name="parameters"/>, or null when it is left to the architecture's default.</summary>
    public ParameterValue? Get(Hyperparameters parameters) => get(parameters);

    /// <summary>A copy of <paramref name="parameters"/> with this parameter set to <paramref name="value"/> (of this kind).</summary>
    public Hyperparameters Set(Hyperparameters parameters, ParameterValue value) => set(parameters, value);

    /// <summary>Why <paramref name="value"/> is out of range ("must be at least 1, got 0"), or null when it is fine.</summary>
    public string? Problem(ParameterValue value) => problem(value);

    public override string ToString() => Name;
}

/// <summary>
/// Every hyperparameter a trial has, in the canonical order used by the stored JSON and trial labels.
/// The one place that knows how sweep-file names map onto <see cref="Hyperparameters"/> members.
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

    public static IReadOnlyList<HyperparameterDefinition> All { get; } =
    [
        Text(Architecture, p => p.Architecture, (p, v) => p with { Architecture = v }),
        Text(Dataset, p => p.Dataset, (p, v) => p with { Dataset = v }),
        Integer(Limit, 1, int.MaxValue, p => p.Limit, (p, v) => p with { Limit = (int)v }),
        Integer(EncodingDim, 1, Autoencoder.PixelCount, p => p.EncodingDim, (p, v) => p with { EncodingDim = (int)v }),
        new(HiddenSizes, ParameterKind.Sizes,
            p => p.HiddenSizes is { IsDefault: false } sizes ? new SizesValue(new ValueList<int>(sizes)) : null,
            (p, v) => p with { HiddenSizes = ((SizesValue)v).Sizes.ToImmutableArray() },
            v => TrainingConfig.HiddenSizesProblem(((SizesValue)v).Sizes)),
        Real(NoiseFactor, 0, lowExclusive: false, p => p.NoiseFactor, (p, v) => p with { NoiseFactor = v }),
        new(ClipNoise, ParameterKind.Flag,
            p => p.ClipNoise is { } clip ? new FlagValue(clip) : null,
            (p, v) => p with { ClipNoise = ((FlagValue)v).Value },
            _ => null),
        Real(LearningRate, 0, lowExclusive: true, p => p.LearningRate, (p, v) => p with { LearningRate = v }),
        Text(Optimizer, p => p.Optimizer, (p, v) => p with { Optimizer = v }),
        Integer(BatchSize, 1, TrainingConfig.MaxBatchSize, p => p.BatchSize, (p, v) => p with { BatchSize = (int)v }),
        Integer(Epochs, 1, TrainingConfig.MaxEpochs, p => p.Epochs, (p, v) => p with { Epochs = (int)v }),
        Integer(Seed, 0, long.MaxValue, p => p.Seed, (p, v) => p with { Seed = v }),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(d => d.Name)];

    public static HyperparameterDefinition? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    public static HyperparameterDefinition Get(string name) =>
        Find(name) ?? throw new ArgumentException($"unknown hyperparameter '{name}'", nameof(name));

    private static HyperparameterDefinition Text(string name, Func<Hyperparameters, string?> get,
        Func<Hyperparameters, string, Hyperparameters> set) =>
        new(name, ParameterKind.Text,
            p => get(p) is { } text ? new TextValue(text) : null,
            (p, v) => set(p, ((TextValue)v).Value),
            v => string.IsNullOrWhiteSpace(((TextValue)v).Value) ? "must not be empty" : null);

    private static HyperparameterDefinition Integer(string name, long min, long max, Func<Hyperparameters, long?> get,
        Func<Hyperparameters, long, Hyperparameters> set) =>
        new(name, ParameterKind.Integer,
            p => get(p) is { } integer ? new IntegerValue(integer) : null,
            (p, v) => set(p, ((IntegerValue)v).Value),
            v => ((IntegerValue)v).Value switch
            {
                var n when n < min => $"must be at least {min}, got {n}",
                var n when n > max => $"must be at most {max}, got {n}",
                _ => null,
            });

    private static HyperparameterDefinition Real(string name, double low, bool lowExclusive,
        Func<Hyperparameters, double?> get, Func<Hyperparameters, double, Hyperparameters> set) =>
        new(name, ParameterKind.Real,
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
