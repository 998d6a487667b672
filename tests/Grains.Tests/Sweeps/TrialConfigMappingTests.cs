using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Tests.Sweeps;

public sealed class TrialConfigMappingTests
{
    [Fact]
    public void Every_member_maps_both_ways()
    {
        var parameters = new Hyperparameters
        {
            Architecture = "cluster-mlp", EncodingDim = 100, HiddenSizes = [256], NoiseFactor = 0.1, ClipNoise = true,
            LearningRate = 0.01, Optimizer = "sgd", BatchSize = 100, Epochs = 7, Seed = 9, Dataset = "mnist", Limit = 500,
        };

        var config = TrialConfigMapping.ToTrainingConfig(parameters);

        Assert.Equal("cluster-mlp", config.Architecture);
        Assert.Equal(100, config.EncodingDim);
        Assert.Equal([256], config.HiddenSizes!);
        Assert.Equal(0.1, config.NoiseFactor);
        Assert.True(config.ClipNoise);
        Assert.Equal(0.01, config.LearningRate);
        Assert.Equal("sgd", config.Optimizer);
        Assert.Equal(100, config.BatchSize);
        Assert.Equal(7, config.Epochs);
        Assert.Equal(9, config.Seed);
        Assert.Equal("mnist", config.Dataset);
        Assert.Equal(500, config.Limit);
        Assert.Equal(HyperparametersJson.Serialize(parameters), HyperparametersJson.Serialize(TrialConfigMapping.FromTrainingConfig(config)));
    }

    [Fact]
    public void Nulls_stay_nulls_for_the_architectures_defaults()
    {
        var config = TrialConfigMapping.ToTrainingConfig(new Hyperparameters { Architecture = "linear" });
        Assert.Null(config.EncodingDim);
        Assert.Null(config.HiddenSizes);
        Assert.Null(config.LearningRate);
        Assert.Equal(1, config.Seed);
    }

    [Fact]
    public void Validate_rejects_shared_ranges_naming_the_parameter()
    {
        var error = Assert.Throws<InvalidHyperparameterException>(() =>
            TrialConfigMapping.Validate(new Hyperparameters { Architecture = "linear", BatchSize = 0 }));
        Assert.Equal("batch_size", error.Parameter);
    }

    [Fact]
    public void Validate_applies_the_models_rules()
    {
        var error = Assert.Throws<InvalidHyperparameterException>(() =>
            TrialConfigMapping.Validate(new Hyperparameters { Architecture = "no-such-net" }));
        Assert.Equal("architecture", error.Parameter);
        TrialConfigMapping.Validate(new Hyperparameters { Architecture = "linear", EncodingDim = 32 });
    }
}
