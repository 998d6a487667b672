using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Pruners;

/// <summary>
/// Asynchronous successive halving (ASHA; Optuna's SuccessiveHalvingPruner). Rungs sit at
/// min_epochs·η^k epochs (η = reduction factor; k = 0, 1, …). When a trial reaches a rung it goes on only if its
/// value there is in the top 1/η of the values of all trials that reached that rung so far, itself included —
/// while fewer than η have, only if it is the best of them (Optuna's rule). No waiting for stragglers: a trial is
/// judged against whoever got there first. Judged only at the epoch that is a rung, so a later arrival never
/// demotes a trial that was already promoted. A NaN at a rung prunes.
/// </summary>
public sealed class AshaPruner(AshaPrunerSpec settings, MetricDirection direction) : IPruner
{
    public bool ShouldPrune(TrialHistory trial, IReadOnlyList<TrialHistory> others)
    {
        if (trial.LastEpoch is not { } epoch || !IsRung(epoch)) return false;
        var value = trial.ValuesByEpoch[epoch];
        if (double.IsNaN(value)) return true;

        var loss = direction.Loss(value);
        var competing = others
            .Where(o => o.TrialId != trial.TrialId)
            .Select(o => o.ValueAt(epoch))
            .Where(v => v is { } x && !double.IsNaN(x))
            .Select(v => direction.Loss(v!.Value))
            .Append(loss)
            .Order()
            .ToArray();
        // Survivors are the best ⌊n/η⌋ (at least the single best): the trial survives if it is no worse than the last of them.
        var survivors = Math.Max(1, competing.Length / settings.ReductionFactor);
        return loss > competing[survivors - 1];
    }

    /// <summary>Whether <paramref name="epoch"/> is min_epochs·η^k for some k ≥ 0.</summary>
    public bool IsRung(int epoch)
    {
        for (long rung = settings.MinEpochs; rung <= epoch; rung *= settings.ReductionFactor)
        {
            if (rung == epoch) return true;
        }
        return false;
    }
}
