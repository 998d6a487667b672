using System.Collections.Immutable;
using AeGrid.Abstractions;
using AeGrid.Client.Output;

namespace AeGrid.Client.Tests.Output;

/// <summary>What `sweep watch` shows beside its bar: best so far, epochs done and left, time left.</summary>
public sealed class SweepProgressTests
{
    static readonly DateTimeOffset Created = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Best_so_far_epochs_and_time_left_come_from_the_trials_and_the_rate_since_the_sweep_began()
    {
        var status = Status(maximize: false,
            Trial(0, TrialStatus.Completed, epochs: 2, value: 0.05),
            Trial(1, TrialStatus.Running, epochs: 1, value: 0.08),
            Trial(2, TrialStatus.Failed, epochs: 1, value: 0.01), // failed: its value is no result
            Trial(3, TrialStatus.Pending, epochs: 0, value: null));

        Assert.Equal(0.05, SweepProgress.Best(status));
        // Every trial plans 2 epochs: the running one has 1 left, the pending one 2; the failed one none.
        Assert.Equal((4, 3), SweepProgress.Epochs(status));
        // 4 epochs in 40 s since the sweep was created: 3 more take 30 s.
        Assert.Equal("best test_mse 0.05 · 4/7 epochs · about 30 s left", new SweepProgress().Describe(status, Created.AddSeconds(40)));
    }

    [Fact]
    public void Once_an_epoch_finishes_under_the_watch_the_rate_is_the_watchs_own()
    {
        var progress = new SweepProgress();
        var before = Status(maximize: true, Trial(0, TrialStatus.Running, epochs: 1, value: 0.4), Trial(1, TrialStatus.Pending, epochs: 0, value: null));
        // A resumed sweep created long ago: its average rate says nothing about now.
        progress.Describe(before, Created.AddHours(5));
        var after = Status(maximize: true, Trial(0, TrialStatus.Completed, epochs: 2, value: 0.6), Trial(1, TrialStatus.Running, epochs: 0, value: null));

        // One epoch in the 60 s watched; 2 left.
        Assert.Equal("best nmi 0.6 · 2/4 epochs · about 2 min left", progress.Describe(after, Created.AddHours(5).AddSeconds(60)));
    }

    [Fact]
    public void A_tpe_sweeps_trials_still_to_propose_count_in_the_totals_and_the_epochs_left()
    {
        var proposed = Status(maximize: false, Trial(0, TrialStatus.Completed, epochs: 2, value: 0.05), Trial(1, TrialStatus.Running, epochs: 1, value: 0.08));
        var status = proposed with { Sweep = proposed.Sweep with { TrialsToPropose = 3 } };

        Assert.Equal(5, status.Sweep.TotalTrials);
        Assert.Equal("1 running, 1 completed, 3 to propose of 5", SweepDisplay.CountsLine(status.Sweep));
        // 1 left for the running trial, 2 planned for each of the 3 to come.
        Assert.Equal((3, 7), SweepProgress.Epochs(status));
    }

    [Fact]
    public void Nothing_finished_yet_says_so_by_leaving_out_what_is_not_known()
    {
        var status = Status(maximize: false, Trial(0, TrialStatus.Pending, epochs: 0, value: null));

        Assert.Null(SweepProgress.Best(status));
        Assert.Equal("0/2 epochs", new SweepProgress().Describe(status, Created.AddSeconds(5)));
    }

    static SweepStatusReport Status(bool maximize, params TrialSummary[] trials) => new(new SweepSummary
    {
        Id = "s-1", Name = "s", State = SweepState.Running, Metric = maximize ? "nmi" : "test_mse", Maximize = maximize,
        TrialsByStatus = trials.GroupBy(t => t.Status).ToImmutableDictionary(g => g.Key, g => g.Count()), CreatedAt = Created,
    }, [.. trials]);

    static TrialSummary Trial(int number, TrialStatus status, int epochs, double? value) => new()
    {
        TrialId = TrialConfig.MakeId("s-1", number), Number = number, Status = status,
        Parameters = new Hyperparameters { Architecture = "cluster-mlp", Epochs = 2 },
        EpochsCompleted = epochs, Attempts = 1,
        LastEpoch = value is { } v
            ? new EpochReport { TrialId = TrialConfig.MakeId("s-1", number), Epoch = epochs, TrainMse = v, TestMse = v, Nmi = v, SamplesPerSecond = 1, WallSeconds = 1 }
            : null,
    };
}
