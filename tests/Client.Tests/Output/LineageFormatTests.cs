using AeGrid.Abstractions;
using AeGrid.Client.Output;

namespace AeGrid.Client.Tests.Output;

/// <summary>How `sweep status` and `trial show` write a pbt trial's lineage.</summary>
public sealed class LineageFormatTests
{
    static readonly Hyperparameters Before = new() { Architecture = "linear", LearningRate = 0.001, NoiseFactor = 0.3, Seed = 4 };

    [Fact]
    public void A_lineage_line_names_recipient_donor_epoch_and_only_the_values_that_changed()
    {
        var exploit = new TrialExploit("s1-t0005", 4, Before, Before with { LearningRate = 0.0012 }, DateTimeOffset.UnixEpoch);

        Assert.Equal("t0003 ← t0005 @ epoch 4: lr 0.001 → 0.0012", LineageFormat.Line("s1-t0003", exploit));
        Assert.Equal("noise_factor 0.3 → 0.36, lr 0.001 → 0.0012", // in the catalog's order
            LineageFormat.Changes(exploit with { NewParameters = Before with { LearningRate = 0.0012, NoiseFactor = 0.36 } }));
    }

    [Fact]
    public void The_json_lineage_has_donor_epoch_and_both_hyperparameter_sets()
    {
        var json = LineageFormat.Json([new TrialExploit("s1-t0005", 4, Before, Before with { LearningRate = 0.0012 }, DateTimeOffset.UnixEpoch)]);

        var exploit = json.Single()!;
        Assert.Equal("s1-t0005", exploit["donor"]!.GetValue<string>());
        Assert.Equal(4, exploit["epoch"]!.GetValue<int>());
        Assert.Equal(0.001, exploit["old_hyperparameters"]!["lr"]!.GetValue<double>());
        Assert.Equal(0.0012, exploit["new_hyperparameters"]!["lr"]!.GetValue<double>());
    }
}
