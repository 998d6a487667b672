using System.Collections.Immutable;

namespace AeGrid.Abstractions;

/// <summary>One attempt of a trial as reports show it: where it ran, when, and how it ended (null while it runs).</summary>
[GenerateSerializer, Immutable, Alias("aegrid.attempt-summary")]
public sealed record AttemptSummary(
    [property: Id(0)] int Attempt,
    [property: Id(1)] string Silo,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] DateTimeOffset? EndedAt,
    [property: Id(4)] string? Outcome);

/// <summary>A trial's whole stored history: every epoch's metrics (one row per epoch, the last write of it) and every attempt.</summary>
[GenerateSerializer, Immutable, Alias("aegrid.trial-epoch-history")]
public sealed record TrialEpochHistory(
    [property: Id(0)] string TrialId,
    [property: Id(1)] TrialStatus Status,
    [property: Id(2)] Hyperparameters Parameters,
    [property: Id(3)] ImmutableArray<EpochReport> Epochs,
    [property: Id(4)] ImmutableArray<AttemptSummary> Attempts,
    /// <summary>Epochs trained more than once because an attempt resumed from an earlier checkpoint.</summary>
    [property: Id(5)] int EpochsRedone = 0,
    /// <summary>The trial whose weights this one started from (its sweep was forked); null for seeded initialisation.</summary>
    [property: Id(6)] SweepOrigin? WarmStartedFrom = null)
{
    /// <summary>pbt: the trial's exploits, oldest first (its lineage); empty otherwise.</summary>
    [Id(7)] public ImmutableArray<TrialExploit> Exploits { get; init; } = [];
}

/// <summary>
/// What a report draws a trial with: the kept model's weights (TorchSharp's module format) when there is one, else the
/// trial's latest checkpoint (AeGrid's checkpoint format, <see cref="Epoch"/> epochs and <see cref="Batch"/> batches in).
/// </summary>
[GenerateSerializer, Immutable, Alias("aegrid.trial-weights")]
public sealed record TrialWeights(
    [property: Id(0)] string TrialId,
    [property: Id(1)] Hyperparameters Parameters,
    [property: Id(2)] bool IsCheckpoint,
    [property: Id(3)] int Epoch,
    [property: Id(4)] int Batch,
    [property: Id(5)] byte[] Bytes);
