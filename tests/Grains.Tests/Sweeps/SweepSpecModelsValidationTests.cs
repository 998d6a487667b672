namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>
/// Each trial a spec creates goes through the Models' own <c>TrainingRules.Validate</c>; its verdict comes back
/// pointing at the line that gave the bad value, and names the trial when the value came from the space.
/// </summary>
public sealed class SweepSpecModelsValidationTests
{
    [Fact]
    public void An_unknown_architecture_points_at_the_architecture()
    {
        SpecText.Error("name: x\narchitecture: lineer\n", 2, "architecture", "unknown architecture 'lineer'; known: linear, deep-mlp");
    }

    [Fact]
    public void An_unknown_architecture_in_space_names_the_trial()
    {
        SpecText.Error("name: x\nspace:\n  architecture: [linear, convdenoise]\n", 3, "space.architecture",
            "unknown architecture 'convdenoise'; known: linear, deep-mlp, denoise-mlp, conv-denoise, cluster-mlp (trial 1: architecture=convdenoise)");
    }

    [Fact]
    public void A_parameter_an_architecture_lacks_is_reported_at_its_line_with_the_trial()
    {
        var error = SpecText.Error("""
            name: x
            hidden_sizes: [64]
            space:
              architecture: [deep-mlp, linear]
            """, 2, "hidden_sizes", "linear has no configurable hidden layers");
        Assert.EndsWith("(trial 1: architecture=linear)", error.Message);
    }

    [Fact]
    public void An_unknown_optimizer_is_the_models_verdict()
    {
        SpecText.Error("name: x\narchitecture: linear\noptimizer: rmsprop\n", 3, "optimizer", "unknown optimizer 'rmsprop'");
    }

    [Fact]
    public void Random_draws_are_validated_too()
    {
        // Every batch larger than the 200 training images is refused by the Models; with 20 draws from [100, 300] one is.
        var error = SpecText.Error("name: x\narchitecture: linear\nlimit: 200\nsearch: random\ntrials: 20\nspace:\n  batch_size: {int: [100, 300]}\n",
            7, "space.batch_size", "a batch cannot be larger than the training set");
        Assert.Contains("(trial ", error.Message);
    }
}
