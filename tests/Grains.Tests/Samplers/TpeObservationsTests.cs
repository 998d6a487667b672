using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Samplers.Tpe;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Samplers;

public sealed class TpeObservationsTests
{
    private static readonly SweepSpec Spec = TpeObjectives.Mixed("tpe", 1, tpe: "tpe: {startup_trials: 3}");

    private static Hyperparameters Draw(int number) => new RandomSampler(Spec).At(number);

    [Fact]
    public void Pruned_trials_count_with_their_last_value_failed_are_left_out_and_unstamped_ones_are_pending()
    {
        TpeTrialRow[] rows =
        [
            new(0, TrialStatus.Completed, Draw(0), 0.5, 1),
            new(1, TrialStatus.Pruned, Draw(1), 0.9, 1),
            new(2, TrialStatus.Failed, Draw(2), null, 2),
            new(3, TrialStatus.Diverged, Draw(3), double.NaN, 2),
            new(4, TrialStatus.Completed, Draw(4), 0.1, 3), // finished after the basis: pending for this proposal
            new(5, TrialStatus.Running, Draw(5), null, null),
            new(6, TrialStatus.Completed, Draw(6), 0.2, 1), // numbered after the proposal: not its history
        ];

        var history = TpeObservations.Build(Spec, rows, number: 6, basis: 2);

        Assert.Equal(5, history.Count);
        Assert.Equal(3, history.Finished);
        Assert.Equal([0.5, 0.9, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity], history.Scores.ToArray());
        Assert.Equal([false, false, false, true, true], history.Pending.ToArray());
    }

    [Fact]
    public void A_pruned_trials_value_steers_the_proposal()
    {
        // Three finished trials end the start-up; which of them is best decides what comes next.
        TpeTrialRow Row(int number, TrialStatus status, double value) => new(number, status, Draw(number), value, 1);
        var prunedBest = TpeObservations.Build(Spec, [Row(0, TrialStatus.Pruned, 0.01), Row(1, TrialStatus.Completed, 5), Row(2, TrialStatus.Completed, 5)], 3, 1);
        var prunedWorst = TpeObservations.Build(Spec, [Row(0, TrialStatus.Pruned, 50), Row(1, TrialStatus.Completed, 5), Row(2, TrialStatus.Completed, 0.01)], 3, 1);

        var sampler = new TpeSampler(Spec);
        Assert.NotEqual(HyperparametersJson.Serialize(sampler.Propose(3, prunedBest)), HyperparametersJson.Serialize(sampler.Propose(3, prunedWorst)));
        Assert.Equal(3, prunedBest.Finished);
    }
}
