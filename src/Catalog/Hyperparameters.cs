using System.Collections.Immutable;

namespace AeGrid.Catalog;

/// <summary>
/// One trial's hyperparameters: what the CLI reads, a sweep file makes, crosses the wire (AeGrid.Abstractions
/// registers a surrogate that carries <see cref="HyperparametersJson"/>), sits in the store (jsonb) and the Models train.
/// Null means the architecture's tutorial default (the Models' <c>WithDefaults</c> fills it in). Every member has an
/// entry in <see cref="HyperparameterCatalog"/>, which names it, bounds it and reads and writes it.
/// </summary>
public sealed record Hyperparameters
{
    public required string Architecture { get; init; }
    public int? EncodingDim { get; init; }
    /// <summary>Hidden layer sizes where the architecture has them (deep-mlp, denoise-mlp, cluster-mlp).</summary>
    public ImmutableArray<int>? HiddenSizes { get; init; }
    public double? NoiseFactor { get; init; }
    public bool? ClipNoise { get; init; }
    public double? LearningRate { get; init; }
    /// <summary>One of <see cref="HyperparameterCatalog.Optimizers"/>.</summary>
    public string? Optimizer { get; init; }
    public int? BatchSize { get; init; }
    public int? Epochs { get; init; }
    public long Seed { get; init; } = 1;
    /// <summary>A named dataset (mnist, fashion-mnist) or a directory holding the four IDX files.</summary>
    public string? Dataset { get; init; }
    /// <summary>Use only the first N training images.</summary>
    public int? Limit { get; init; }
    /// <summary>Visit the training images in a new seeded order every epoch (the tutorials differ).</summary>
    public bool? Shuffle { get; init; }
}
