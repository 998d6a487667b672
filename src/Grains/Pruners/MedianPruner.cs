using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Pruners;

/// <summary>
/// Optuna's MedianPruner (its PercentilePruner at 50). At epoch s a trial is pruned when its best value so far is
/// worse than the median of the completed trials' values at epoch s. Guards first: no verdict before
/// <see cref="MedianPrunerSpec.StartupTrials"/> trials completed, none in a trial's first
/// <see cref="MedianPrunerSpec.WarmupEpochs"/> epochs, then only every <see cref="MedianPrunerSpec.Interval"/> epochs,
/// and none when no completed trial reached epoch s. A NaN at the current epoch prunes at once (it can only diverge).
/// Only completed trials are compared with, as in Optuna: pruned trials stopped early and would pull the median down.
/// </summary>
public sealed class MedianPruner(MedianPrunerSpec settings, MetricDirection direction) : IPruner
{
    public bool ShouldPrune(TrialHistory trial, IReadOnlyList<TrialHistory> others)
    {
        if (trial.LastEpoch is not { } epoch) return false;
        var completed = others.Where(o => o.Status == TrialStatus.Completed && o.TrialId != trial.TrialId).ToList();
        if (completed.Count == 0 || completed.Count < settings.StartupTrials) return false;
        if (epoch <= settings.WarmupEpochs) return false;
        if (!IsFirstReportInInterval(trial, epoch)) return false;

        if (double.IsNaN(trial.ValuesByEpoch[epoch])) return true;
        var best = BestLossSoFar(trial);
        if (double.IsNaN(best)) return true;

        var atEpoch = completed
            .Select(o => o.ValueAt(epoch))
            .Where(v => v is { } x && !double.IsNaN(x))
            .Select(v => direction.Loss(v!.Value))
            .ToList();
        if (atEpoch.Count == 0) return false;
        return best > Median(atEpoch);
    }

    /// <summary>
    /// Optuna's `_is_first_in_interval_step`: judge only the first report at or after each pruning epoch
    /// (warmup+1, warmup+1+interval, …), so a trial that skips epochs is still judged once per interval.
    /// </summary>
    private bool IsFirstReportInInterval(TrialHistory trial, int epoch)
    {
        var nearestPruningEpoch = (epoch - 1 - settings.WarmupEpochs) / settings.Interval * settings.Interval + settings.WarmupEpochs + 1;
        var previousEpoch = trial.ValuesByEpoch.Keys.Where(e => e < epoch).DefaultIfEmpty(0).Max();
        return previousEpoch < nearestPruningEpoch;
    }

    private double BestLossSoFar(TrialHistory trial)
    {
        var losses = trial.ValuesByEpoch.Values.Where(v => !double.IsNaN(v)).Select(direction.Loss).ToList();
        return losses.Count == 0 ? double.NaN : losses.Min();
    }

    /// <summary>The middle value, or the mean of the two middle ones (numpy's percentile 50, linear interpolation).</summary>
    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
