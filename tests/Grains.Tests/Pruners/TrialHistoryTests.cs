using System.Collections.Immutable;
using AeGrid.Abstractions;
using AeGrid.Grains.Pruners;
using AeGrid.Grains.Sweeps;
using AeGrid.Grains.Tests.Sweeps;
using AeGrid.TestSupport;

namespace AeGrid.Grains.Tests.Pruners;

public sealed class TrialHistoryTests
{
    [Fact]
    public void Reports_give_the_metric_by_epoch_leaving_out_epochs_without_it()
    {
        EpochReport[] reports =
        [
            Report(1, testMse: 0.5, nmi: null),
            Report(2, testMse: 0.4, nmi: 0.6),
            Report(2, testMse: 0.3, nmi: 0.7),
        ];

        var mse = TrialHistory.FromReports("t", TrialStatus.Running, reports, "test_mse");
        var nmi = TrialHistory.FromReports("t", TrialStatus.Running, reports, "nmi");

        Assert.Equal([1, 2], mse.ValuesByEpoch.Keys);
        Assert.Equal(0.3, mse.ValueAt(2)); // a repeated epoch keeps its last row
        Assert.Equal(2, mse.LastEpoch);
        Assert.Equal([2], nmi.ValuesByEpoch.Keys);
        Assert.Null(nmi.ValueAt(1));
        Assert.Null(new TrialHistory("e", TrialStatus.Pending, ImmutableSortedDictionary<int, double>.Empty).LastEpoch);
    }

    [Fact]
    public void The_factory_builds_the_pruner_the_spec_names_facing_its_direction()
    {
        Assert.IsType<NoPruner>(PrunerFactory.Create(SpecText.Parse("name: p\narchitecture: linear\n")));
        Assert.IsType<MedianPruner>(PrunerFactory.Create(SpecText.Parse("name: p\narchitecture: linear\npruner: median\n")));

        // Maximising NMI: at rung 1 the second arrival with the lower NMI stops, the higher one goes on.
        var asha = PrunerFactory.Create(SpecText.Parse("name: p\narchitecture: cluster-mlp\nmetric: nmi\nmode: max\npruner: asha\n"));
        TrialHistory[] others = [TrialHistories.Of("a", TrialStatus.Running, 0.5)];
        Assert.True(asha.ShouldPrune(TrialHistories.Of("t", TrialStatus.Running, 0.4), others));
        Assert.False(asha.ShouldPrune(TrialHistories.Of("t", TrialStatus.Running, 0.6), others));
        Assert.False(new NoPruner().ShouldPrune(TrialHistories.Of("t", TrialStatus.Running, double.NaN), others));
    }

    private static EpochReport Report(int epoch, double testMse, double? nmi) => new()
    {
        TrialId = "t", Epoch = epoch, TrainMse = testMse, TestMse = testMse, Nmi = nmi, SamplesPerSecond = 1, WallSeconds = 1,
    };
}
