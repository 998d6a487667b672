using AeGrid.Grains.Sweeps;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>
/// Values a silo could not afford (200,000-unit layers, a batch larger than the data, 10,000 epochs and more) are refused
/// before a sweep starts, naming file, line and key; the bounds are the Models' constants, shared with `aegrid train`.
/// </summary>
public sealed class SweepBoundsTests
{
    [Theory]
    [InlineData("architecture: deep-mlp\nhidden_sizes: [200000, 200000]", 2, "hidden_sizes", "at most 16384 units, got 200000")]
    [InlineData("architecture: deep-mlp\nhidden_sizes: [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]", 2, "hidden_sizes", "at most 16 hidden layers, got 17")]
    [InlineData("architecture: linear\nencoding_dim: 785", 2, "encoding_dim", "must be at most 784, got 785")]
    [InlineData("architecture: linear\nepochs: 10001", 2, "epochs", "must be at most 10000, got 10001")]
    [InlineData("architecture: linear\nbatch_size: 70000", 2, "batch_size", "must be at most 65536, got 70000")]
    [InlineData("architecture: linear\nlimit: 200\nbatch_size: 500", 3, "batch_size", "500 is more than the 200 training images (limit: 200)")]
    [InlineData("architecture: linear\ndataset: mnist\nbatch_size: 60001", 3, "batch_size", "60001 is more than the 60000 training images in mnist")]
    [InlineData("architecture: linear\nbatch_size: 60001", 2, "batch_size", "60001 is more than the 60000 training images in mnist")]
    public void Values_beyond_the_bounds_are_refused_naming_line_and_key(string body, int line, string key, string message) =>
        SpecText.Error($"name: x\n{body}\n", line + 1, key, message);

    [Theory]
    [InlineData("hidden_sizes: [[256], [200000, 200000]]", "space.hidden_sizes[1]", "at most 16384 units")]
    [InlineData("epochs: {int: [1, 1000000]}", "space.epochs", "epochs must be at most 10000")]
    [InlineData("batch_size: [50, 500]", "space.batch_size", "a batch cannot be larger than the training set (trial 1: batch_size=500)")]
    public void Bounds_hold_in_the_space_too(string dimension, string key, string message)
    {
        var search = dimension.Contains("{int") ? "search: random\ntrials: 2\n" : "";
        SpecText.Error($"name: x\narchitecture: deep-mlp\nlimit: 200\n{search}space:\n  {dimension}\n",
            search == "" ? 5 : 7, key, message);
    }

    [Fact]
    public void Values_at_the_bounds_are_accepted()
    {
        var spec = SpecText.Parse($"name: x\narchitecture: deep-mlp\nepochs: {HyperparameterCatalog.MaxEpochs}\nlimit: 64\nbatch_size: 64\n" +
                                  $"hidden_sizes: [{string.Join(", ", Enumerable.Repeat(HyperparameterCatalog.MaxLayerWidth, HyperparameterCatalog.MaxHiddenLayers))}]\n");
        Assert.Equal(1, spec.GridSize);
    }

    [Fact]
    public void Max_attempts_is_bounded() =>
        SpecText.Error("name: x\narchitecture: linear\nmax_attempts: 2000000000\n", 3, "max_attempts", "must be at most 100, got 2000000000");

    [Fact]
    public void Extend_is_bounded_in_one_place()
    {
        Assert.Null(SweepSpecParser.ExtendProblem(SweepSpecParser.MaxTrialsPerExtend));
        Assert.Contains("at most 10,000", SweepSpecParser.ExtendProblem(SweepSpecParser.MaxTrialsPerExtend + 1));
        Assert.Contains("must be positive", SweepSpecParser.ExtendProblem(0));
    }
}
