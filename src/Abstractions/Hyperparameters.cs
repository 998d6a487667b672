using System.Collections.Immutable;

namespace AeGrid.Abstractions;

/// <summary>
/// One trial's hyperparameters as they cross the wire and sit in the store (jsonb). Null means the
/// architecture's tutorial default. Mirrors AeGrid.Models' TrainingConfig, which stays free of Orleans;
/// append members, never insert: serialisation ids follow position.
/// </summary>
[GenerateSerializer, Immutable, Alias("aegrid.hyperparameters")]
public sealed record Hyperparameters
{
    [Id(0)] public required string Architecture { get; init; }
    [Id(1)] public int? EncodingDim { get; init; }
    [Id(2)] public ImmutableArray<int>? HiddenSizes { get; init; }
    [Id(3)] public double? NoiseFactor { get; init; }
    [Id(4)] public bool? ClipNoise { get; init; }
    [Id(5)] public double? LearningRate { get; init; }
    [Id(6)] public string? Optimizer { get; init; }
    [Id(7)] public int? BatchSize { get; init; }
    [Id(8)] public int? Epochs { get; init; }
    [Id(9)] public long Seed { get; init; } = 1;
    [Id(10)] public string? Dataset { get; init; }
    [Id(11)] public int? Limit { get; init; }
}

/// <summary>A trial: a stable id, the sweep it belongs to, its number in that sweep, and what to train.</summary>
[GenerateSerializer, Immutable, Alias("aegrid.trial-config")]
public sealed record TrialConfig(
    [property: Id(0)] string TrialId,
    [property: Id(1)] string SweepId,
    [property: Id(2)] int Number,
    [property: Id(3)] Hyperparameters Parameters)
{
    /// <summary>Trial ids are the sweep id and a zero-padded number, so they sort in creation order.</summary>
    public static string MakeId(string sweepId, int number) => $"{sweepId}-t{number:D4}";
}

public static class TrialIds
{
    /// <summary>The sweep id inside a trial id made by <see cref="TrialConfig.MakeId"/>.</summary>
    public static string SweepOf(string trialId)
    {
        int at = trialId.LastIndexOf("-t", StringComparison.Ordinal);
        if (at <= 0) throw new ArgumentException($"'{trialId}' is not a trial id (expected <sweep id>-tNNNN)", nameof(trialId));
        return trialId[..at];
    }
}
