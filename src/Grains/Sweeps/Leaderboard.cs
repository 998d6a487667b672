using System.Collections.Immutable;
using AeGrid.Abstractions;
using AeGrid.Grains.Store;

namespace AeGrid.Grains.Sweeps;

/// <summary>Ranks completed trials by their final epoch's metric. Pruned, diverged and failed trials never rank.</summary>
public static class Leaderboard
{
    public static ImmutableArray<LeaderboardEntry> Rank(
        IEnumerable<(TrialRecord Trial, IReadOnlyList<EpochReport> Epochs)> trials, string metric, bool maximize, int top)
    {
        var scored = trials
            .Where(t => t.Trial.Status == TrialStatus.Completed && t.Epochs.Count > 0)
            .Select(t => (t.Trial, Value: t.Epochs.MaxBy(e => e.Epoch)!.Metric(metric)))
            .Where(t => t.Value is { } v && double.IsFinite(v))
            .Select(t => (t.Trial, Value: t.Value!.Value));
        var ordered = maximize
            ? scored.OrderByDescending(t => t.Value).ThenBy(t => t.Trial.Number)
            : scored.OrderBy(t => t.Value).ThenBy(t => t.Trial.Number);
        return ordered.Take(Math.Max(0, top))
            .Select((t, i) => new LeaderboardEntry(i + 1, t.Trial.TrialId, t.Trial.Parameters, metric, t.Value, t.Trial.Status, t.Trial.Kept))
            .ToImmutableArray();
    }

    /// <summary>Direction for a metric named on the command line rather than in the sweep file.</summary>
    public static bool DefaultMaximize(string metric) => metric is "nmi" or "cluster_accuracy" or "test_psnr" or "samples_per_second";
}
