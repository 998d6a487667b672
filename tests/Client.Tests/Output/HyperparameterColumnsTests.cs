using AeGrid.Abstractions;
using AeGrid.Client.Output;

namespace AeGrid.Client.Tests.Output;

/// <summary>The leaderboard's hyperparameters column: what differs within an architecture, as trained; everything with --verbose.</summary>
public sealed class HyperparameterColumnsTests
{
    static readonly Hyperparameters[] Trials =
    [
        new() { Architecture = "linear", LearningRate = 0.01, BatchSize = 64 },
        new() { Architecture = "linear", LearningRate = 0.001, BatchSize = 64 },
        new() { Architecture = "deep-mlp", LearningRate = 0.01, BatchSize = 64 },
        new() { Architecture = "deep-mlp", LearningRate = 0.01, BatchSize = 64, EncodingDim = 8 },
    ];

    [Fact]
    public void Only_what_differs_between_trials_of_one_architecture_is_shown_as_trained()
    {
        var columns = HyperparameterColumns.For(Trials, all: false);

        // encoding_dim differs between the two deep-mlp trials (its default 3 against 8); lr between the linear ones. The
        // architectures' other defaults (hidden sizes, shuffle) differ only with the architecture: its own column says so.
        Assert.Equal(["encoding_dim", "lr"], columns.Names);
        Assert.Equal("encoding_dim=32 lr=0.01", columns.Describe(Trials[0]));
        Assert.Equal("encoding_dim=3 lr=0.01", columns.Describe(Trials[2]));
    }

    [Fact]
    public void Verbose_shows_every_setting_and_a_sweep_of_one_trial_shows_none()
    {
        var all = HyperparameterColumns.For(Trials, all: true);
        Assert.Contains("batch_size", all.Names);
        Assert.Contains("epochs", all.Names);
        Assert.Contains("batch_size=64", all.Describe(Trials[0]));

        Assert.Empty(HyperparameterColumns.For([Trials[0]], all: false).Names);
        Assert.Equal("", HyperparameterColumns.For([Trials[0]], all: false).Describe(Trials[0]));
    }
}
