using AeGrid.Abstractions;
using AeGrid.Grains.Samplers.Tpe;
using AeGrid.Grains.Store;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Store;

/// <summary>What a TPE proposal saw (migration 8): finish numbers, proposal bases and the trial budget.</summary>
public abstract partial class TrialStoreContract
{
    [Fact]
    public async Task Finished_trials_are_stamped_once_per_proposal_round_and_a_retry_clears_the_stamp()
    {
        var (sweepId, trialIds) = await NewSweepAsync(trials: 4);
        Assert.Equal(0, await Store.StampFinishedTrialsAsync(sweepId)); // nothing final yet

        await Store.SetTrialStatusAsync(trialIds[0], TrialStatus.Completed, null);
        await Store.SetTrialStatusAsync(trialIds[1], TrialStatus.Failed, "boom");
        Assert.Equal(1, await Store.StampFinishedTrialsAsync(sweepId));
        Assert.Equal(1, await Store.StampFinishedTrialsAsync(sweepId)); // nothing new: the same basis

        await Store.SetTrialStatusAsync(trialIds[2], TrialStatus.Pruned, null);
        Assert.Equal(1, await Store.RetryFailedTrialsAsync(sweepId)); // the failed one is pending again...
        Assert.Equal(2, await Store.StampFinishedTrialsAsync(sweepId));

        var history = await Store.GetProposalHistoryAsync(sweepId);
        Assert.Equal([1, 2, 3, 4], history.Select(h => h.Number));
        Assert.Equal([1L, null, 2L, null], history.Select(h => h.FinishSeq)); // ...and unstamped
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.StampFinishedTrialsAsync("no-such-sweep"));
    }

    [Fact]
    public async Task Proposed_trials_keep_their_basis_and_the_budget_is_stored()
    {
        var (sweepId, _) = await NewSweepAsync(trials: 1);
        Assert.Null(await Store.GetTrialBudgetAsync(sweepId));

        await Store.AddProposedTrialsAsync(sweepId, [new TrialConfig(TrialConfig.MakeId(sweepId, 2), sweepId, 2, Parameters(2))], 7);
        await Store.SetTrialBudgetAsync(sweepId, 40);

        var history = await Store.GetProposalHistoryAsync(sweepId);
        Assert.Equal([null, 7L], history.Select(h => h.ProposalBasis));
        Assert.Equal(TrialStatus.Pending, (await Store.GetTrialAsync(TrialConfig.MakeId(sweepId, 2)))!.Status);
        Assert.Equal(40, await Store.GetTrialBudgetAsync(sweepId));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SetTrialBudgetAsync("no-such-sweep", 3));
    }

    /// <summary>
    /// Drives a TPE sweep by hand as the sweep grain does (stamp, read, propose into free slots, store with the basis),
    /// finishing trials out of order between rounds, then recomputes every proposal from the rows alone.
    /// </summary>
    [Fact]
    public async Task A_tpe_sweeps_proposals_are_recomputed_from_its_rows()
    {
        const string specText = """
            name: replayed
            search: tpe
            trials: 30
            seed: 11
            tpe: {startup_trials: 4, candidates: 16}
            space:
              architecture:
                denoise-mlp: {hidden_sizes: [[64], [128]], noise_factor: {uniform: [0.1, 0.9]}}
                linear: {}
              lr: {loguniform: [1.0e-4, 1.0e-1]}
            """;
        var spec = SweepSpecParser.Parse(specText, "replayed");
        var sweepId = NewId("replayed");
        await Store.CreateSweepAsync(new SweepRecord(sweepId, sweepId, SweepState.Running, specText, "test_mse", false, DateTimeOffset.UtcNow, null), []);
        var silo = await NewSiloAsync(slots: 3);
        var sampler = new TpeSampler(spec);
        var running = new List<(string TrialId, int Attempt, Hyperparameters Parameters)>();
        for (var round = 0; round < 12; round++)
        {
            // Finish one or two of the running trials, the newest first now and then, with a made-up final value.
            foreach (var (trialId, attempt, parameters) in running.Where((_, i) => i == round % Math.Max(1, running.Count) || i == 2).ToList())
            {
                var value = Math.Abs(Math.Log10(parameters.LearningRate!.Value) + 2) + (parameters.Architecture == "linear" ? 0.5 : 0);
                var status = round % 5 == 3 ? TrialStatus.Pruned : round % 7 == 6 ? TrialStatus.Failed : TrialStatus.Completed;
                if (status != TrialStatus.Failed) await Store.WriteEpochsAsync([Epoch(trialId, 1, attempt, value)]);
                Assert.True(await Store.EndAttemptAsync(trialId, attempt, status, status == TrialStatus.Failed ? "boom" : null));
                running.RemoveAll(r => r.TrialId == trialId);
            }
            var basis = await Store.StampFinishedTrialsAsync(sweepId);
            var trials = await Store.GetTrialsAsync(sweepId);
            var stamps = (await Store.GetProposalHistoryAsync(sweepId)).ToDictionary(h => h.Number, h => h.FinishSeq);
            var rows = new List<TpeTrialRow>();
            foreach (var t in trials)
                rows.Add(new TpeTrialRow(t.Number, t.Status, t.Parameters,
                    TpeObservations.FinalValue(await Store.GetEpochsAsync(t.TrialId), "test_mse"), stamps[t.Number]));
            var history = TpeObservations.Build(spec, rows, trials.Count, basis);
            var proposed = new List<TrialConfig>();
            for (var number = trials.Count; number < trials.Count + 3 - running.Count; number++)
            {
                var parameters = sampler.Propose(number, history);
                history.AddPending(parameters);
                proposed.Add(new TrialConfig(TrialConfig.MakeId(sweepId, number), sweepId, number, parameters));
            }
            await Store.AddProposedTrialsAsync(sweepId, proposed, basis);
            foreach (var trial in proposed)
                running.Add((trial.TrialId, (await Store.BeginAttemptAsync(trial.TrialId, silo, TimeSpan.FromMinutes(5)))!.Value, trial.Parameters));
        }

        var replayed = await TpeReplay.ReplayAsync(Store, sweepId);

        Assert.True(replayed.Count >= 20, $"{replayed.Count} trials");
        Assert.Contains(replayed, r => r.ProposalBasis > 3); // proposals past the start-up, on a grown history
        Assert.All(replayed, r => Assert.Equal(HyperparametersJson.Serialize(r.Stored), HyperparametersJson.Serialize(r.Recomputed)));
    }
}
