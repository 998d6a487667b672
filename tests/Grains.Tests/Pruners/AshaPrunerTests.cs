using AeGrid.Abstractions;
using AeGrid.Grains.Pruners;
using AeGrid.Grains.Sweeps;
using AeGrid.TestSupport;

namespace AeGrid.Grains.Tests.Pruners;

public sealed class AshaPrunerTests
{
    private static readonly AshaPruner Pruner = new(new AshaPrunerSpec(MinEpochs: 1, ReductionFactor: 3), MetricDirection.Minimizing);

    [Fact]
    public void Rungs_sit_at_min_epochs_times_powers_of_eta()
    {
        Assert.Equal([1, 3, 9, 27], Enumerable.Range(1, 30).Where(Pruner.IsRung));
        var two = new AshaPruner(new AshaPrunerSpec(MinEpochs: 2, ReductionFactor: 2), MetricDirection.Minimizing);
        Assert.Equal([2, 4, 8, 16], Enumerable.Range(1, 20).Where(two.IsRung));
    }

    [Fact]
    public void The_first_trial_at_a_rung_goes_on()
    {
        Assert.False(Pruner.ShouldPrune(Trial("t", 5.0), []));
    }

    [Fact]
    public void While_fewer_than_eta_reached_a_rung_only_the_best_goes_on()
    {
        TrialHistory[] others = [Trial("a", 1.0)];
        Assert.True(Pruner.ShouldPrune(Trial("t", 1.5), others));
        Assert.False(Pruner.ShouldPrune(Trial("t", 0.5), others));
        Assert.False(Pruner.ShouldPrune(Trial("t", 1.0), others));
    }

    [Fact]
    public void Only_the_top_one_in_eta_of_the_trials_at_a_rung_goes_on()
    {
        // With the trial, 7 reached epoch 1: ⌊7/3⌋ = 2 go on.
        TrialHistory[] others = [.. new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 }.Select((v, i) => Trial($"o{i}", v))];
        Assert.False(Pruner.ShouldPrune(Trial("t", 1.5), others));
        Assert.False(Pruner.ShouldPrune(Trial("t", 2.0), others));
        Assert.True(Pruner.ShouldPrune(Trial("t", 2.5), others));
    }

    [Fact]
    public void Competitors_are_the_trials_that_reached_that_rung_in_any_status()
    {
        TrialHistory[] others =
        [
            Trial("done", 1.0, 1.0, 1.0),
            new("pruned", TrialStatus.Pruned, Trial("x", 2.0).ValuesByEpoch),
            Trial("early", 3.0, 2.9),           // has not reached epoch 3
        ];
        // At epoch 3 only "done" competes: the trial is second of 2 < η, so only the best would go on.
        Assert.True(Pruner.ShouldPrune(Trial("t", 0.1, 0.1, 1.5), others));
        Assert.False(Pruner.ShouldPrune(Trial("t", 0.1, 0.1, 0.5), others));
        // At epoch 1 all four compete: ⌊4/3⌋ = 1 goes on.
        Assert.True(Pruner.ShouldPrune(Trial("t", 1.5), others));
    }

    [Fact]
    public void Between_rungs_there_is_no_verdict()
    {
        TrialHistory[] others = [Trial("a", 1.0, 1.0), Trial("b", 1.0, 1.0)];
        Assert.False(Pruner.ShouldPrune(Trial("t", 0.5, 100), others));
    }

    [Fact]
    public void A_promoted_trial_is_not_judged_again_at_the_same_rung_by_later_arrivals()
    {
        // The trial went on at epoch 1 as the first there; at epoch 2 (no rung) better arrivals change nothing.
        TrialHistory[] later = [Trial("a", 0.1), Trial("b", 0.1), Trial("c", 0.1)];
        Assert.False(Pruner.ShouldPrune(Trial("t", 5.0, 5.0), later));
    }

    [Fact]
    public void Maximising_keeps_the_largest_values()
    {
        var maximizing = new AshaPruner(new AshaPrunerSpec(MinEpochs: 1, ReductionFactor: 2), MetricDirection.Maximizing);
        TrialHistory[] others = [Trial("a", 0.5), Trial("b", 0.7), Trial("c", 0.9)];
        // With the trial, 4 reached epoch 1: ⌊4/2⌋ = 2 go on, i.e. 0.9 and the trial only if it beats 0.7.
        Assert.False(maximizing.ShouldPrune(Trial("t", 0.8), others));
        Assert.True(maximizing.ShouldPrune(Trial("t", 0.6), others));
    }

    [Fact]
    public void NaN_at_a_rung_is_pruned_and_NaN_competitors_are_ignored()
    {
        Assert.True(Pruner.ShouldPrune(Trial("t", double.NaN), []));
        Assert.False(Pruner.ShouldPrune(Trial("t", 0.5, double.NaN), []));
        Assert.False(Pruner.ShouldPrune(Trial("t", 2.0), [Trial("a", double.NaN)]));
    }

    [Fact]
    public void The_trial_itself_among_the_others_is_not_counted_twice()
    {
        var trial = Trial("t", 2.0);
        Assert.True(Pruner.ShouldPrune(trial, [trial, Trial("a", 1.0)]));
        Assert.False(Pruner.ShouldPrune(trial, [trial]));
    }

    private static TrialHistory Trial(string id, params double[] values) => TrialHistories.Of(id, TrialStatus.Running, values);
}
