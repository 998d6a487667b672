using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Grains.Store;
using AeGrid.Models.Training;
using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// Population-based training: at a trial's epoch report on a perturbation epoch, the sweep ranks the population
/// (<see cref="PbtScheduler"/>) and, for a bottom-quantile trial, applies the exploit in one store transaction
/// (<see cref="ITrialStore.ExploitAsync"/>). The trial then stops (verdict <see cref="EpochVerdict.Exploited"/>) and is
/// admitted again as any pending trial: it resumes from the donor's copied checkpoint with its new hyperparameters.
/// </summary>
public sealed partial class SweepGrain
{
    async Task<EpochVerdict> ExploitIfBehindAsync(TrialView view, EpochReport report)
    {
        var config = view.Config;
        int epoch = report.Epoch;
        int totalEpochs = config.Parameters.WithDefaults().Epochs!.Value;
        if (!_spec.Pbt!.IsDecisionEpoch(epoch, totalEpochs)) return EpochVerdict.Continue;

        // Donors are the trials whose snapshot at this epoch is in the store: never a live grain's word, never a trial
        // without one (Ray's #27170 exploited trials that had no checkpoint yet).
        var holders = (await store.GetSnapshotHoldersAsync(SweepId, epoch)).ToHashSet();
        // Ranked by their metric at this very epoch: scores of different epochs do not compare (a trial one epoch behind
        // would look worse only for being behind). A trial that has not reached it yet is not ranked; one reporting it
        // later (a later wave, a resumed trial) is ranked against every earlier report of it.
        var population = _trials.Values
            .Select(v => (View: v, Score: v.Epochs.FirstOrDefault(e => e.Epoch == epoch)?.Metric(_sweep.Metric)))
            .Where(m => m.Score is not null)
            .Select(m => new PbtMember(m.View.Record.TrialId, m.Score!.Value, holders.Contains(m.View.Record.TrialId)))
            .ToList();
        if (_pbt!.Decide(config, epoch, totalEpochs, population) is not { } decision) return EpochVerdict.Continue;

        var result = await store.ExploitAsync(new ExploitRequest(config.TrialId, report.Attempt, decision.DonorId, epoch, decision.NewParameters, report));
        switch (result)
        {
            case ExploitResult.Applied:
                AeGridTelemetry.PbtExploits.Add(1);
                LogExploited(SweepId, config.TrialId, decision.DonorId, epoch, _pbt.Describe(config.Parameters),
                    _pbt.Describe(decision.NewParameters));
                break;
            case ExploitResult.AlreadyApplied:
                break; // a repeated report of the same epoch (a retried call): the stored exploit stands
            default:
                return EpochVerdict.Continue; // a stale attempt (its writes are fenced anyway), or the donor's snapshot vanished
        }
        _trials.Apply(view.Record with { Status = TrialStatus.Pending, Parameters = decision.NewParameters });
        _model.MarkChanged(config.TrialId); // its attempt's end and the store's own copy of the exploit
        // Admit it again soon, not at once: the trial grain that reported is still stopping its training.
        if (_sweep.State == SweepState.Running) _scheduler?.Change(_options.SchedulerInterval, _options.SchedulerInterval);
        return EpochVerdict.Exploited;
    }

    /// <summary>Each trial's exploits, oldest first, read from the store (reads may interleave: no grain fields but the spec).</summary>
    async Task<ILookup<string, TrialExploit>> LineageAsync()
    {
        var exploits = _spec.Search == SearchKind.Pbt ? await store.GetExploitsAsync(SweepId) : [];
        return exploits.OrderBy(e => e.Epoch)
            .ToLookup(e => e.TrialId, e => new TrialExploit(e.DonorId, e.Epoch, e.OldParameters, e.NewParameters, e.ExploitedAt));
    }

    [LoggerMessage(LogLevel.Information, "Sweep {SweepId}: trial {TrialId} exploited {DonorId} at epoch {Epoch}: {Old} -> {New}")]
    partial void LogExploited(string sweepId, string trialId, string donorId, int epoch, string old, string @new);
}
