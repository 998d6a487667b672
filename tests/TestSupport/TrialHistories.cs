using System.Collections.Immutable;
using AeGrid.Abstractions;
using AeGrid.Grains.Pruners;

namespace AeGrid.TestSupport;

/// <summary>Pruner inputs written by hand; production builds <see cref="TrialHistory"/> from stored epoch rows.</summary>
public static class TrialHistories
{
    /// <summary>A history whose values are those of epochs 1, 2, 3, ….</summary>
    public static TrialHistory Of(string trialId, TrialStatus status, params double[] valuesFromEpochOne) =>
        new(trialId, status, valuesFromEpochOne.Select((value, i) => (epoch: i + 1, value))
            .ToImmutableSortedDictionary(e => e.epoch, e => e.value));
}
