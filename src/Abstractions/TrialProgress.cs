namespace AeGrid.Abstractions;

/// <summary>A running trial's live position, pushed to its sweep about once a second (not stored).</summary>
[GenerateSerializer, Immutable, Alias("aegrid.trial-progress")]
public sealed record TrialProgress(
    [property: Id(0)] int Epoch,
    [property: Id(1)] int Epochs,
    [property: Id(2)] int Batch,
    [property: Id(3)] int BatchesPerEpoch,
    [property: Id(4)] double Loss,
    [property: Id(5)] double SamplesPerSecond,
    [property: Id(6)] string Silo,
    [property: Id(7)] int Attempt);
