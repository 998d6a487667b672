using AeGrid.Abstractions;
using AeGrid.Grains.Samplers.Tpe;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// A TPE sweep's trials are proposed as slots free up, never ahead: each one from the results so far, with the trials
/// still pending counted as worst (the constant liar). The budget (`trials:`, raised by `sweep extend`) bounds them; the
/// sweep is complete only once the whole budget was proposed and every trial is final.
/// </summary>
public sealed partial class SweepGrain
{
    /// <summary>The TPE budget: stored once `extend` raised it, else the spec's `trials:`.</summary>
    int _budget;

    bool ProposesLazily => _spec.Search == SearchKind.Tpe;

    /// <summary>Trials the sweep will still propose: 0 unless a running TPE sweep below its budget.</summary>
    int TrialsToPropose => ProposesLazily && _sweep.State == SweepState.Running && _ending is null ? Math.Max(0, _budget - _trials.Count) : 0;

    async Task LoadBudgetAsync(CancellationToken ct)
    {
        if (ProposesLazily) _budget = await store.GetTrialBudgetAsync(SweepId, ct) ?? _spec.Trials!.Value;
    }

    /// <summary>Proposes up to <paramref name="wanted"/> new trials within the budget, stores them and refreshes the view.</summary>
    async Task ProposeAsync(int wanted, CancellationToken ct)
    {
        var count = Math.Min(wanted, _budget - _trials.Count);
        if (count <= 0) return;
        // Stamp first, then read: a trial finishing after the stamp reads as pending here and in any recomputation.
        var basis = await store.StampFinishedTrialsAsync(SweepId, ct);
        await _model.RefreshChangedAsync(ct);
        await _model.LoadMissingEpochsAsync(CancellationToken.None);
        var finishSeqs = (await store.GetProposalHistoryAsync(SweepId, ct)).ToDictionary(r => r.Number, r => r.FinishSeq);
        var rows = _trials.Values.Select(v => new TpeTrialRow(v.Record.Number, v.Record.Status, v.Record.Parameters,
            TpeObservations.FinalValue(v.Epochs, _sweep.Metric), finishSeqs.GetValueOrDefault(v.Record.Number)));
        var first = _trials.Count;
        var history = TpeObservations.Build(_spec, rows, first, basis);
        var sampler = new TpeSampler(_spec);
        var proposed = new List<TrialConfig>(count);
        for (var number = first; number < first + count; number++)
        {
            var parameters = sampler.Propose(number, history);
            history.AddPending(parameters); // the next proposal of this batch sees this one as pending
            proposed.Add(new TrialConfig(TrialConfig.MakeId(SweepId, number), SweepId, number, parameters));
        }
        await store.AddProposedTrialsAsync(SweepId, proposed, basis, ct);
        LogProposed(SweepId, count, first, basis);
        _model.MarkChanged(proposed.Select(t => t.TrialId));
        await _model.RefreshChangedAsync(ct);
    }

    async Task<int> ExtendBudgetAsync(int trials)
    {
        await LoadBudgetAsync(CancellationToken.None);
        _budget = checked(Math.Max(_budget, _trials.Count) + trials);
        await store.SetTrialBudgetAsync(SweepId, _budget);
        await ReopenAsync();
        return trials;
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Microsoft.Extensions.Logging.LogLevel.Information,
        "Sweep {SweepId}: proposed {Count} trial(s) from number {First} on finish basis {Basis}")]
    partial void LogProposed(string sweepId, int count, int first, long basis);
}
