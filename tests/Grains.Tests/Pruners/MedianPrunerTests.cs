using System.Collections.Immutable;
using AeGrid.Abstractions;
using AeGrid.Grains.Pruners;
using AeGrid.Grains.Sweeps;
using AeGrid.TestSupport;

namespace AeGrid.Grains.Tests.Pruners;

public sealed class MedianPrunerTests
{
    private static readonly MedianPruner Minimizing = new(new MedianPrunerSpec(StartupTrials: 3, WarmupEpochs: 0, Interval: 1), MetricDirection.Minimizing);

    /// <summary>Three completed trials whose values at epoch 2 are 1, 2 and 3 (median 2).</summary>
    private static readonly TrialHistory[] Completed =
    [
        TrialHistories.Of("a", TrialStatus.Completed, 1.5, 1.0, 0.9),
        TrialHistories.Of("b", TrialStatus.Completed, 2.5, 2.0, 1.9),
        TrialHistories.Of("c", TrialStatus.Completed, 3.5, 3.0, 2.9),
    ];

    [Fact]
    public void A_trial_worse_than_the_median_at_the_same_epoch_is_pruned()
    {
        Assert.True(Minimizing.ShouldPrune(Running(2.6, 2.4), Completed));
        Assert.False(Minimizing.ShouldPrune(Running(2.6, 1.8), Completed));
    }

    [Fact]
    public void The_best_value_so_far_counts_not_only_the_current_one()
    {
        // Epoch 2 is 2.5 (worse than 2), but epoch 1 reached 1.4: Optuna judges the best so far.
        Assert.False(Minimizing.ShouldPrune(Running(1.4, 2.5), Completed));
    }

    [Fact]
    public void Equal_to_the_median_is_kept()
    {
        Assert.False(Minimizing.ShouldPrune(Running(2.5, 2.0), Completed));
    }

    [Fact]
    public void An_even_count_uses_the_mean_of_the_middle_two()
    {
        TrialHistory[] four = [.. Completed, TrialHistories.Of("d", TrialStatus.Completed, 4.5, 4.0)];
        Assert.False(Minimizing.ShouldPrune(Running(9, 2.4), four));
        Assert.True(Minimizing.ShouldPrune(Running(9, 2.6), four));
    }

    [Fact]
    public void No_verdict_before_enough_trials_completed()
    {
        var pruner = new MedianPruner(new MedianPrunerSpec(StartupTrials: 4), MetricDirection.Minimizing);
        Assert.False(pruner.ShouldPrune(Running(100, 100), Completed));
        Assert.True(pruner.ShouldPrune(Running(100, 100), [.. Completed, TrialHistories.Of("d", TrialStatus.Completed, 4, 4)]));
    }

    [Fact]
    public void Running_and_pruned_trials_count_neither_for_startup_nor_for_the_median()
    {
        TrialHistory[] others =
        [
            .. Completed[..2],
            TrialHistories.Of("r", TrialStatus.Running, 0.1, 0.1),
            TrialHistories.Of("p", TrialStatus.Pruned, 0.1, 0.1),
        ];
        Assert.False(Minimizing.ShouldPrune(Running(100, 100), others));

        var noStartup = new MedianPruner(new MedianPrunerSpec(StartupTrials: 0), MetricDirection.Minimizing);
        // Completed values at epoch 2 are 1 and 2 (median 1.5); the running trial's 0.1 would make it 1.0.
        Assert.False(noStartup.ShouldPrune(Running(9, 1.4), others));
    }

    [Fact]
    public void No_verdict_in_the_warmup_epochs()
    {
        var pruner = new MedianPruner(new MedianPrunerSpec(StartupTrials: 1, WarmupEpochs: 2), MetricDirection.Minimizing);
        Assert.False(pruner.ShouldPrune(Running(100), Completed));
        Assert.False(pruner.ShouldPrune(Running(100, 100), Completed));
        Assert.True(pruner.ShouldPrune(Running(100, 100, 100), Completed));
    }

    [Fact]
    public void Verdicts_come_every_interval_epochs_after_the_warmup()
    {
        var pruner = new MedianPruner(new MedianPrunerSpec(StartupTrials: 1, WarmupEpochs: 1, Interval: 2), MetricDirection.Minimizing);
        TrialHistory[] long_ = [TrialHistories.Of("a", TrialStatus.Completed, 1, 1, 1, 1, 1, 1)];
        var judged = Enumerable.Range(1, 6)
            .Where(epoch => pruner.ShouldPrune(Running([.. Enumerable.Repeat(5.0, epoch)]), long_))
            .ToArray();
        Assert.Equal([2, 4, 6], judged);
    }

    [Fact]
    public void A_trial_that_skipped_the_pruning_epoch_is_judged_at_its_next_report()
    {
        var pruner = new MedianPruner(new MedianPrunerSpec(StartupTrials: 1, Interval: 3), MetricDirection.Minimizing);
        TrialHistory[] others = [TrialHistories.Of("a", TrialStatus.Completed, 1, 1, 1, 1, 1, 1)];
        // Pruning epochs are 1, 4, 7…; this trial reported epochs 1, 2 and then 5: the first report of 4..6.
        var skipped = new TrialHistory("t", TrialStatus.Running, new Dictionary<int, double> { [1] = 5, [2] = 5, [5] = 5 }.ToImmutableSortedDictionary());
        Assert.True(pruner.ShouldPrune(skipped, others));
    }

    [Fact]
    public void Maximising_prunes_values_below_the_median()
    {
        var pruner = new MedianPruner(new MedianPrunerSpec(StartupTrials: 1), MetricDirection.Maximizing);
        TrialHistory[] others =
        [
            TrialHistories.Of("a", TrialStatus.Completed, 0.5),
            TrialHistories.Of("b", TrialStatus.Completed, 0.6),
            TrialHistories.Of("c", TrialStatus.Completed, 0.7),
        ];
        Assert.True(pruner.ShouldPrune(Running(0.55), others));
        Assert.False(pruner.ShouldPrune(Running(0.65), others));
        // Best so far when maximising is the largest value.
        Assert.False(new MedianPruner(new MedianPrunerSpec(StartupTrials: 1), MetricDirection.Maximizing)
            .ShouldPrune(Running(0.9, 0.1), [.. others.Select(o => o with { ValuesByEpoch = o.ValuesByEpoch.Add(2, 0.6) })]));
    }

    [Fact]
    public void A_NaN_is_pruned_once_a_verdict_is_allowed()
    {
        Assert.True(Minimizing.ShouldPrune(Running(0.1, double.NaN), Completed));
        var warm = new MedianPruner(new MedianPrunerSpec(StartupTrials: 1, WarmupEpochs: 1), MetricDirection.Minimizing);
        Assert.False(warm.ShouldPrune(Running(double.NaN), Completed));
    }

    [Fact]
    public void NaNs_of_other_trials_are_ignored()
    {
        TrialHistory[] others =
        [
            TrialHistories.Of("a", TrialStatus.Completed, 1.0),
            TrialHistories.Of("b", TrialStatus.Completed, double.NaN),
            TrialHistories.Of("c", TrialStatus.Completed, 3.0),
        ];
        Assert.False(Minimizing.ShouldPrune(Running(2.0), others));
        Assert.True(Minimizing.ShouldPrune(Running(2.1), others));
    }

    [Fact]
    public void No_verdict_when_no_completed_trial_reached_the_epoch()
    {
        Assert.False(Minimizing.ShouldPrune(Running(9, 9, 9, 9), Completed));
        Assert.False(Minimizing.ShouldPrune(new TrialHistory("t", TrialStatus.Running, ImmutableSortedDictionary<int, double>.Empty), Completed));
    }

    [Fact]
    public void The_trial_itself_among_the_others_is_ignored()
    {
        var trial = TrialHistories.Of("a", TrialStatus.Completed, 100);
        Assert.False(Minimizing.ShouldPrune(trial, [trial, .. Completed[1..]]));
    }

    private static TrialHistory Running(params double[] values) => TrialHistories.Of("t", TrialStatus.Running, values);
}
