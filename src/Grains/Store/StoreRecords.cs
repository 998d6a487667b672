using AeGrid.Abstractions;
using AeGrid.Grains.Placement;

namespace AeGrid.Grains.Store;

/// <summary>A sweep as stored: its spec text (YAML or JSON, as submitted) is the source of truth for its settings.
/// Device is the spec's `device:`, kept in a column (and copied to each trial) for the autoscaler and dashboards.
/// ForkedFrom is set for a sweep `aegrid sweep fork` made; its starting weights are its <see cref="WarmStart"/>.
/// Fuse is how many trials it trains per slot at most (`fuse: K`, 1 when it does not fuse), kept for the autoscaler.</summary>
public sealed record SweepRecord(
    string Id, string Name, SweepState State, string SpecText, string Metric, bool Maximize,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, DeviceDemand Device = DeviceDemand.Any, SweepOrigin? ForkedFrom = null,
    int Fuse = 1);

public sealed record TrialRecord(
    string TrialId, string SweepId, int Number, Hyperparameters Parameters, TrialStatus Status,
    int Attempts, string? Silo, int EpochsCompleted, string? Error, bool Kept,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>One attempt of a trial. StartedAt is its admission (the slot claim); FirstBatchAt is when its training first
/// finished a batch (null until then, or when the silo could not record it).</summary>
public sealed record AttemptRecord(
    string TrialId, int Attempt, string Silo, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    DateTimeOffset LeaseUntil, string? Outcome, DateTimeOffset? FirstBatchAt = null);

public sealed record SiloSlots(string Silo, string DeviceKind, int Slots, int Used)
{
    public int Free => Math.Max(0, Slots - Used);
}

/// <summary>A resumable checkpoint: Epoch completed epochs plus Batch batches of the next.</summary>
public sealed record StoredCheckpoint(string TrialId, int Attempt, int Epoch, int Batch, byte[] Bytes);

/// <summary>
/// One pbt exploit to apply (<see cref="ITrialStore.ExploitAsync"/>): the recipient trial's attempt that reported
/// <see cref="EpochRow"/> (at <see cref="Epoch"/>) takes <see cref="DonorId"/>'s snapshot at that epoch and <see cref="NewParameters"/>.
/// </summary>
public sealed record ExploitRequest(string TrialId, int Attempt, string DonorId, int Epoch, Hyperparameters NewParameters, EpochReport EpochRow);

public enum ExploitResult { Applied, AlreadyApplied, NotCurrent, NoSnapshot }

/// <summary>A stored exploit: a trial's lineage step.</summary>
public sealed record ExploitRecord(string SweepId, string TrialId, string DonorId, int Epoch,
    Hyperparameters OldParameters, Hyperparameters NewParameters, DateTimeOffset ExploitedAt);

/// <summary>
/// The weights a forked sweep's trials start from (TorchSharp's module format), copied from the source trial when the
/// sweep was forked: <see cref="SourceEpoch"/> epochs of its training. Owned by the forked sweep, deleted with it.
/// </summary>
public sealed record WarmStart(string SweepId, int SourceEpoch, byte[] Weights, DateTimeOffset CreatedAt);

/// <summary>A kept model's weights in TorchSharp's module format.</summary>
public sealed record StoredModel(string TrialId, byte[] Weights, DateTimeOffset CreatedAt);

public sealed class DuplicateSweepException(string name, string existingId)
    : InvalidOperationException($"a sweep named '{name}' is already running as {existingId}")
{
    public string Name { get; } = name;
    public string ExistingId { get; } = existingId;
}
