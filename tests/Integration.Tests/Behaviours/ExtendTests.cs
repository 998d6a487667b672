using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Sweeps;
using AeGrid.Integration.Tests.Support;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>`Extend` on a real silo: a finished random search grows by continuing its sampler; a grid cannot grow.</summary>
[Collection(LocalSiloCollection.Name)]
public sealed class ExtendTests
{
    [Fact]
    public async Task Extending_a_finished_random_search_adds_the_draws_a_bigger_sweep_would_have_made_and_runs_only_those()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1);
        var spec = SweepFiles.Tiny("extend", """
            architecture: linear
            epochs: 1
            search: random
            trials: 2
            space:
              lr: {loguniform: [1.0e-3, 1.0e-2]}
              encoding_dim: {int: [8, 32]}
            """);
        var id = await silo.Directory.Submit(spec, "extend.yaml");
        var first = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
        Assert.Equal(SweepState.Completed, first.Sweep.State);
        var epochsBefore = await EpochRowsAsync(silo, first.Trials);

        Assert.Equal(2, await silo.Sweep(id).Extend(2));
        var second = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));

        Assert.Equal(SweepState.Completed, second.Sweep.State);
        Assert.Equal([0, 1, 2, 3], second.Trials.Select(t => t.Number));
        Assert.Equal(Enumerable.Range(0, 4).Select(n => TrialConfig.MakeId(id, n)), second.Trials.Select(t => t.TrialId));
        // The same hyperparameters a sweep created with trials: 4 would have had, in the same order.
        var bigger = SweepSpecParser.Parse(spec.Replace("trials: 2", "trials: 4"), "extend.yaml");
        Assert.Equal(SamplerFactory.Create(bigger).Next([], 4).Select(HyperparametersJson.Serialize),
            second.Trials.Select(t => HyperparametersJson.Serialize(t.Parameters)));
        // Only the new ones ran: the first two kept their single attempt and their very epoch rows.
        Assert.All(second.Trials, t => Assert.Equal((TrialStatus.Completed, 1, 1), (t.Status, t.Attempts, t.EpochsCompleted)));
        Assert.Equal(epochsBefore, await EpochRowsAsync(silo, second.Trials.Take(2)));
        Assert.Equal(4, (await silo.Sweep(id).GetLeaderboard(10, null)).Length);

        var refused = await Assert.ThrowsAsync<AeGridRequestException>(() => silo.Sweep(id).Extend(0));
        Assert.Contains("must be positive, got 0", refused.Message);
    }

    [Fact]
    public async Task Extending_a_grid_sweep_is_refused_with_a_clear_reason()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1);
        var spec = SweepFiles.Tiny("extend-grid", """
            architecture: linear
            epochs: 1
            search: grid
            space:
              lr: [0.01]
            """);
        var id = await silo.Directory.Submit(spec, "extend-grid.yaml");
        await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));

        var refused = await Assert.ThrowsAsync<AeGridRequestException>(() => silo.Sweep(id).Extend(3));
        Assert.Contains(id, refused.Message);
        Assert.Contains("grid search", refused.Message);

        var after = await silo.Sweep(id).GetStatus();
        Assert.Equal(SweepState.Completed, after.Sweep.State); // refusing left the sweep as it was
        Assert.Single(after.Trials);
    }

    static async Task<List<string>> EpochRowsAsync(LocalSilo silo, IEnumerable<TrialSummary> trials)
    {
        var rows = new List<string>();
        foreach (var t in trials)
            rows.AddRange((await silo.Store.GetEpochsAsync(t.TrialId)).Select(e => $"{e.TrialId} {e.Epoch} {e.Attempt} {e.TestMse:R} {e.WallSeconds:R}"));
        return rows;
    }
}
