using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>`fuse: K` at admission: which pending trials the sweep admits together as one pack.</summary>
public sealed class FusionGroupingTests
{
    static int _number;

    static TrialView View(Hyperparameters parameters, int epochsCompleted = 0)
    {
        int number = Interlocked.Increment(ref _number);
        return new TrialView(new TrialRecord(TrialConfig.MakeId("s", number), "s", number, parameters, TrialStatus.Pending, 0, null,
            epochsCompleted, null, false, DateTimeOffset.UtcNow, null, null));
    }

    static Hyperparameters Linear(double lr, long seed = 1) => new() { Architecture = "linear", LearningRate = lr, Seed = seed };

    static IEnumerable<IEnumerable<int>> Numbers(IReadOnlyList<IReadOnlyList<TrialView>> groups) =>
        groups.Select(g => g.Select(v => v.Record.Number));

    [Fact]
    public void Compatible_trials_fill_packs_of_K_in_admission_order_up_to_the_free_slots()
    {
        var pending = Enumerable.Range(0, 9).Select(i => View(Linear(0.001 * (i + 1)))).ToList();
        var groups = FusionGrouping.Group(pending, fuse: 4, slots: 2);
        Assert.Equal([[.. pending.Take(4).Select(v => v.Record.Number)], [.. pending.Skip(4).Take(4).Select(v => v.Record.Number)]],
            Numbers(groups));
    }

    [Fact]
    public void Trials_that_cannot_share_a_model_go_to_packs_of_their_own_and_the_unfusible_alone()
    {
        var a = View(Linear(0.01));
        var conv = View(new Hyperparameters { Architecture = "conv-denoise" });
        var otherShape = View(Linear(0.01) with { EncodingDim = 16 });
        var otherSeed = View(Linear(0.02, seed: 9) with { Shuffle = true }); // a shuffled data order follows the seed
        var b = View(Linear(0.03, seed: 5)); // linear does not shuffle: another seed is only other initial weights
        var groups = FusionGrouping.Group([a, conv, otherShape, otherSeed, b], fuse: 4, slots: 10);
        Assert.Equal([[a.Record.Number, b.Record.Number], [conv.Record.Number], [otherShape.Record.Number], [otherSeed.Record.Number]],
            Numbers(groups));
    }

    [Fact]
    public void Trials_resuming_at_different_epochs_are_not_packed_together()
    {
        var fresh = View(Linear(0.01));
        var resumed = View(Linear(0.02), epochsCompleted: 3);
        var alsoFresh = View(Linear(0.03));
        Assert.Equal([[fresh.Record.Number, alsoFresh.Record.Number], [resumed.Record.Number]],
            Numbers(FusionGrouping.Group([fresh, resumed, alsoFresh], fuse: 4, slots: 2)));
    }

    [Fact]
    public void Each_pack_gets_one_id_for_all_its_members_and_a_trial_alone_none()
    {
        var pending = Enumerable.Range(0, 5).Select(i => View(Linear(0.001 * (i + 1)))).ToList();
        var groups = FusionGrouping.Group(pending, fuse: 2, slots: 3);
        var packs = FusionGrouping.Assign(groups, "sweep-1");
        Assert.Equal(4, packs.Count); // the fifth trial is alone
        Assert.Equal(packs[pending[0]], packs[pending[1]]);
        Assert.Equal(packs[pending[2]], packs[pending[3]]);
        Assert.NotEqual(packs[pending[0]].Id, packs[pending[2]].Id);
        Assert.All(packs.Values, p => Assert.Equal(2, p.Size));
        Assert.All(packs.Values, p => Assert.StartsWith("sweep-1/pack-", p.Id));
        Assert.False(packs.ContainsKey(pending[4]));
    }

    [Fact]
    public void Fuse_one_admits_one_trial_per_free_slot()
    {
        var pending = Enumerable.Range(0, 5).Select(i => View(Linear(0.001 * (i + 1)))).ToList();
        Assert.All(FusionGrouping.Group(pending, fuse: 1, slots: 3), g => Assert.Single(g));
        Assert.Equal(3, FusionGrouping.Group(pending, fuse: 1, slots: 3).Count);
    }

    [Fact]
    public void A_trial_with_a_bad_config_is_admitted_alone_to_fail_with_its_own_error()
    {
        var bad = View(Linear(-1));
        var good = View(Linear(0.01));
        Assert.Equal([[bad.Record.Number], [good.Record.Number]], Numbers(FusionGrouping.Group([bad, good], fuse: 4, slots: 2)));
    }
}
