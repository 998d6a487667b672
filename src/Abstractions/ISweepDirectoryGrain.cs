using System.Collections.Immutable;

namespace AeGrid.Abstractions;

/// <summary>
/// The entry point for clients (key 0): submits sweeps, lists them, and finds trials and models by id.
/// Holds no state of its own; everything comes from the store.
/// </summary>
public interface ISweepDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Parses and validates the sweep file, creates the sweep and its trials, and starts it. Returns the sweep id at once.
    /// Throws <see cref="AeGridRequestException"/> for a bad file or when a running sweep has the same name.</summary>
    Task<string> Submit(string specText, string sourceName);
    /// <summary>
    /// Creates and starts a sweep whose trials start from the weights of a finished trial of <paramref name="sourceSweepId"/>
    /// (<paramref name="fromTrialId"/>, else the sweep's best completed trial), copied into the store now. The sweep file may
    /// leave out every hyperparameter it does not change: they are the source trial's. Throws
    /// <see cref="AeGridRequestException"/> for an unknown sweep or trial, a trial without weights, or a file that changes
    /// the model's shape; a source trial that is still running gives a result with <see cref="SweepForkResult.StillRunning"/>.
    /// </summary>
    Task<SweepForkResult> Fork(string sourceSweepId, string? fromTrialId, string specText, string sourceName);
    Task<ImmutableArray<SweepSummary>> List();
    /// <summary>A kept model of a finished sweep, for `aegrid export`.</summary>
    Task<ModelArtifact> GetModel(string trialId);
}
