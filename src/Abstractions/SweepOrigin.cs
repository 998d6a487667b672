namespace AeGrid.Abstractions;

/// <summary>Where a forked sweep came from: the sweep and the finished trial whose weights its trials start from.
/// The ids are kept as given at fork time; the source may be deleted later without affecting the fork.</summary>
[GenerateSerializer, Immutable, Alias("aegrid.sweep-origin")]
public sealed record SweepOrigin(
    [property: Id(0)] string SweepId,
    [property: Id(1)] string TrialId)
{
    /// <summary>"SWEEP/TRIAL", as `sweep status` prints it after "forked from".</summary>
    public override string ToString() => $"{SweepId}/{TrialId}";
}

/// <summary>
/// What <see cref="ISweepDirectoryGrain.Fork"/> did: the new sweep's id and where it starts from, or, when the source
/// trial has not finished yet, no sweep and the reason (the caller waits or names another trial).
/// </summary>
[GenerateSerializer, Immutable, Alias("aegrid.sweep-fork-result")]
public sealed record SweepForkResult(
    [property: Id(0)] string? SweepId,
    [property: Id(1)] SweepOrigin? Origin,
    [property: Id(2)] string? StillRunning);
