using System.Collections.Immutable;
using AeGrid.Abstractions;

namespace AeGrid.Grains.Pruners;

/// <summary>
/// What a pruner sees of one trial: its status and the sweep metric after each epoch so far (epochs 1-based).
/// Built from stored epoch rows, so a pruner's verdict can always be recomputed; it keeps no state of its own.
/// </summary>
public sealed record TrialHistory(string TrialId, TrialStatus Status, ImmutableSortedDictionary<int, double> ValuesByEpoch)
{
    /// <summary>The latest epoch reported, or null before the first.</summary>
    public int? LastEpoch => ValuesByEpoch.Count == 0 ? null : ValuesByEpoch.Keys.Last();

    public double? ValueAt(int epoch) => ValuesByEpoch.TryGetValue(epoch, out var value) ? value : null;

    /// <summary>
    /// The history of <paramref name="metric"/> in <paramref name="epochs"/>. Epochs without that metric are left out
    /// (nothing to judge there); a repeated epoch keeps its last row, as the store does.
    /// </summary>
    public static TrialHistory FromReports(string trialId, TrialStatus status, IEnumerable<EpochReport> epochs, string metric)
    {
        var values = ImmutableSortedDictionary.CreateBuilder<int, double>();
        foreach (var epoch in epochs)
        {
            if (epoch.Metric(metric) is { } value) values[epoch.Epoch] = value;
        }
        return new TrialHistory(trialId, status, values.ToImmutable());
    }
}
