using AeGrid.Abstractions;
using AeGrid.Grains.Samplers.Tpe;
using AeGrid.Grains.Sweeps;
using AeGrid.Integration.Tests.Support;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>A TPE sweep on a real silo: trials are proposed as slots free up, up to the budget, and then it completes.</summary>
[Collection(LocalSiloCollection.Name)]
public sealed class TpeSweepTests
{
    [Fact]
    public async Task A_tpe_sweep_proposes_trials_as_slots_free_up_until_its_budget_then_completes_and_extends()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 2);
        var spec = SweepFiles.Tiny("tpe-lazy", """
            epochs: 1
            search: tpe
            trials: 6
            tpe: {startup_trials: 2, candidates: 8}
            space:
              architecture:
                linear: {encoding_dim: {int: [8, 32]}}
                deep-mlp: {}
              lr: {loguniform: [1.0e-3, 1.0e-2]}
            """);
        var id = await silo.Directory.Submit(spec, "tpe-lazy.yaml");

        // Never more trials than the finished ones plus the free slots: nothing is created ahead of a slot.
        SweepStatusReport status;
        var maxAhead = 0;
        do
        {
            status = await silo.Sweep(id).GetStatus();
            var created = status.Trials.Length;
            var finished = status.Trials.Count(t => t.Status.IsFinal());
            maxAhead = Math.Max(maxAhead, created - finished);
            Assert.Equal(6, status.Sweep.TotalTrials); // created + still to propose
            Assert.Equal(6 - created, status.Sweep.TrialsToPropose);
            await Task.Delay(50);
        } while (status.Sweep.State == SweepState.Running);
        Assert.InRange(maxAhead, 1, 2);

        Assert.Equal(SweepState.Completed, status.Sweep.State);
        Assert.Equal([0, 1, 2, 3, 4, 5], status.Trials.Select(t => t.Number));
        Assert.All(status.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.All(status.Trials, t => Assert.Equal(t.Parameters.Architecture == "linear", t.Parameters.EncodingDim is not null));
        await AssertReplayedAsync(silo, id);

        Assert.Equal(2, await silo.Sweep(id).Extend(2));
        var extended = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
        Assert.Equal(SweepState.Completed, extended.Sweep.State);
        Assert.Equal(8, extended.Trials.Length);
        Assert.Equal(0, extended.Sweep.TrialsToPropose);
        await AssertReplayedAsync(silo, id);
    }

    [Fact]
    public async Task Cancelling_a_tpe_sweep_stops_its_proposals()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1);
        var id = await silo.Directory.Submit(SweepFiles.Tiny("tpe-cancel", """
            architecture: linear
            epochs: 3
            search: tpe
            trials: 50
            space:
              lr: {loguniform: [1.0e-3, 1.0e-2]}
            """), "tpe-cancel.yaml");

        await silo.Sweep(id).Cancel();
        var cancelled = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
        var created = (await silo.Store.GetTrialsAsync(id)).Count;
        await Task.Delay(TimeSpan.FromSeconds(2)); // a few scheduler ticks

        Assert.Equal(SweepState.Cancelled, cancelled.Sweep.State);
        Assert.InRange(created, 0, 1);
        Assert.Equal(created, (await silo.Store.GetTrialsAsync(id)).Count);
        Assert.Equal(0, (await silo.Sweep(id).GetStatus()).Sweep.TrialsToPropose);
    }

    static async Task AssertReplayedAsync(LocalSilo silo, string id)
    {
        var replayed = await TpeReplay.ReplayAsync(silo.Store, id);
        Assert.All(replayed, r =>
        {
            Assert.NotNull(r.ProposalBasis);
            Assert.Equal(HyperparametersJson.Serialize(r.Stored), HyperparametersJson.Serialize(r.Recomputed));
        });
    }
}
