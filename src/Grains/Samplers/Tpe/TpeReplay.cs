using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers.Tpe;

/// <summary>One trial of a TPE sweep: what is stored, and what its proposal gives again from the stored history.</summary>
public sealed record TpeReplayedTrial(int Number, long? ProposalBasis, Hyperparameters Stored, Hyperparameters Recomputed);

/// <summary>
/// Recomputes a stored TPE sweep's proposals from its rows: for trial i proposed on basis b, the earlier trials stamped at
/// or below b are its observations (their stored status and last epoch's value) and the other earlier ones were pending.
/// The same rule as the sweep grain's (<see cref="TpeObservations"/>), so a faithful store gives back every trial's
/// hyperparameters. Trials without a basis (none: a sweep proposes every trial with one) are recomputed on basis 0.
/// </summary>
public static class TpeReplay
{
    public static async Task<IReadOnlyList<TpeReplayedTrial>> ReplayAsync(ITrialStore store, string sweepId, CancellationToken ct = default)
    {
        var sweep = await store.GetSweepAsync(sweepId, ct) ?? throw new KeyNotFoundException($"no sweep '{sweepId}'");
        var spec = SweepSpecParser.Parse(sweep.SpecText, sweep.Name);
        var trials = await store.GetTrialsAsync(sweepId, ct);
        var proposals = (await store.GetProposalHistoryAsync(sweepId, ct)).ToDictionary(p => p.Number);
        var rows = new List<TpeTrialRow>();
        foreach (var trial in trials)
        {
            var epochs = await store.GetEpochsAsync(trial.TrialId, ct);
            rows.Add(new TpeTrialRow(trial.Number, trial.Status, trial.Parameters, TpeObservations.FinalValue(epochs, sweep.Metric),
                proposals.GetValueOrDefault(trial.Number)?.FinishSeq));
        }
        var sampler = new TpeSampler(spec);
        return [.. trials.Select(trial =>
        {
            var basis = proposals.GetValueOrDefault(trial.Number)?.ProposalBasis;
            var history = TpeObservations.Build(spec, rows, trial.Number, basis ?? 0);
            return new TpeReplayedTrial(trial.Number, basis, trial.Parameters, sampler.Propose(trial.Number, history));
        })];
    }
}
