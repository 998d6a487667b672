using System.Collections.Immutable;

namespace AeGrid.Abstractions;

/// <summary>A sweep's life. Stored as its lower-case name.</summary>
[GenerateSerializer]
public enum SweepState { Running = 0, Completed = 1, Cancelled = 2 }

/// <summary>One line of `sweep list`, and the head of `sweep status`.</summary>
[GenerateSerializer, Immutable, Alias("aegrid.sweep-summary")]
public sealed record SweepSummary
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required SweepState State { get; init; }
    [Id(3)] public required string Metric { get; init; }
    [Id(4)] public required bool Maximize { get; init; }
    [Id(5)] public required ImmutableDictionary<TrialStatus, int> TrialsByStatus { get; init; }
    [Id(6)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(7)] public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Epochs trained more than once because an attempt resumed from an earlier checkpoint (work lost to failures).</summary>
    [Id(8)] public int EpochsRedone { get; init; }
    /// <summary>The trial whose weights this sweep's trials start from (`aegrid sweep fork`); null for a sweep started afresh.</summary>
    [Id(10)] public SweepOrigin? ForkedFrom { get; init; }
    /// <summary>Trials a TPE sweep will still propose as slots free up (its budget less the trials created so far).</summary>
    [Id(9)] public int TrialsToPropose { get; init; }
    /// <summary>Every trial the sweep has or will have: those created plus those still to propose.</summary>
    public int TotalTrials => TrialsByStatus.Values.Sum() + TrialsToPropose;
}

/// <summary>A trial as `sweep status` shows it.</summary>
[GenerateSerializer, Immutable, Alias("aegrid.trial-summary")]
public sealed record TrialSummary
{
    [Id(0)] public required string TrialId { get; init; }
    [Id(1)] public required int Number { get; init; }
    [Id(2)] public required TrialStatus Status { get; init; }
    [Id(3)] public required Hyperparameters Parameters { get; init; }
    [Id(4)] public required int EpochsCompleted { get; init; }
    [Id(5)] public required int Attempts { get; init; }
    [Id(6)] public string? Silo { get; init; }
    /// <summary>The last epoch's metrics, if any epoch finished.</summary>
    [Id(7)] public EpochReport? LastEpoch { get; init; }
    [Id(8)] public string? Error { get; init; }
    [Id(9)] public bool Kept { get; init; }
    /// <summary>Where a running trial is now (epoch, batch, loss); null when not running.</summary>
    [Id(10)] public TrialProgress? Live { get; init; }
    /// <summary>pbt: the exploits that made this trial what it is, oldest first (its lineage); empty otherwise.</summary>
    [Id(11)] public ImmutableArray<TrialExploit> Exploits { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("aegrid.sweep-status")]
public sealed record SweepStatusReport(
    [property: Id(0)] SweepSummary Sweep,
    [property: Id(1)] ImmutableArray<TrialSummary> Trials);

/// <summary>A row of the leaderboard: best first by the sweep's metric and direction.</summary>
[GenerateSerializer, Immutable, Alias("aegrid.leaderboard-entry")]
public sealed record LeaderboardEntry(
    [property: Id(0)] int Rank,
    [property: Id(1)] string TrialId,
    [property: Id(2)] Hyperparameters Parameters,
    [property: Id(3)] string Metric,
    [property: Id(4)] double Value,
    [property: Id(5)] TrialStatus Status,
    [property: Id(6)] bool Kept);

/// <summary>A kept model's weights (TorchSharp's module format) and the hyperparameters that rebuild it.</summary>
[GenerateSerializer, Immutable, Alias("aegrid.model-artifact")]
public sealed record ModelArtifact(
    [property: Id(0)] string TrialId,
    [property: Id(1)] Hyperparameters Parameters,
    [property: Id(2)] byte[] Weights,
    [property: Id(3)] EpochReport? Metrics);
