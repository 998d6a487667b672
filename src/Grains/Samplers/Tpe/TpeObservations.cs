using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers.Tpe;

/// <summary>One stored trial as TPE history reads it: its final metric value (last epoch's) and its finish number.</summary>
public sealed record TpeTrialRow(int Number, TrialStatus Status, Hyperparameters Parameters, double? FinalValue, long? FinishSeq);

/// <summary>
/// Builds the history a proposal saw from stored rows: the trials numbered below it, in order. Trials whose finish_seq is
/// at most the proposal's basis were finished then: completed and pruned ones are observations of their last epoch's
/// value (pruned ones too, as Optuna counts them), diverged ones (and a finished trial with no finite value) count as
/// worse than every observation, failed and cancelled ones are left out. Every other earlier trial was pending and
/// counts as worst (the constant liar). The sweep grain and a recomputation from the store use this same rule.
/// </summary>
public static class TpeObservations
{
    public static TpeHistory Build(SweepSpec spec, IEnumerable<TpeTrialRow> rows, int number, long basis)
    {
        var earlier = new List<TpeTrialRow>();
        foreach (var row in rows)
            if (row.Number < number) earlier.Add(row);
        earlier.Sort((a, b) => a.Number.CompareTo(b.Number));
        var history = new TpeHistory(spec, earlier.Count + 8);
        foreach (var row in earlier)
        {
            if (row.FinishSeq is not { } finished || finished > basis)
            {
                history.AddPending(row.Parameters);
                continue;
            }
            switch (row.Status)
            {
                case TrialStatus.Completed or TrialStatus.Pruned when row.FinalValue is { } value && double.IsFinite(value):
                    history.AddObserved(row.Parameters, value);
                    break;
                case TrialStatus.Completed or TrialStatus.Pruned or TrialStatus.Diverged:
                    history.AddWorst(row.Parameters);
                    break;
                case TrialStatus.Pending or TrialStatus.Running: // set back after it was stamped: not finished after all
                    history.AddPending(row.Parameters);
                    break;
            }
        }
        return history;
    }

    /// <summary>The trial's final value of <paramref name="metric"/>: its last epoch's, or null without epochs.</summary>
    public static double? FinalValue(IReadOnlyList<EpochReport> epochs, string metric) =>
        epochs.Count == 0 ? null : epochs.MaxBy(e => e.Epoch)!.Metric(metric);
}
