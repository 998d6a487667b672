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
    Task<ImmutableArray<SweepSummary>> List();
    /// <summary>A kept model of a finished sweep, for `aegrid export`.</summary>
    Task<ModelArtifact> GetModel(string trialId);
}
