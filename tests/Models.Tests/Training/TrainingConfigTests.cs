using AeGrid.Models.Training;

namespace AeGrid.Models.Tests.Training;

public sealed class TrainingConfigTests
{
    public static TheoryData<Hyperparameters, string, string> BadConfigs => new()
    {
        { new() { Architecture = "vae" }, "architecture", "unknown architecture 'vae'; known: linear, deep-mlp, denoise-mlp, conv-denoise, cluster-mlp" },
        { new() { Architecture = "linear", LearningRate = 0 }, "lr", "got 0" },
        { new() { Architecture = "linear", LearningRate = -0.1 }, "lr", "got -0.1" },
        { new() { Architecture = "linear", LearningRate = double.NaN }, "lr", "got NaN" },
        { new() { Architecture = "linear", BatchSize = 0 }, "batch_size", "got 0" },
        { new() { Architecture = "linear", Epochs = -3 }, "epochs", "got -3" },
        { new() { Architecture = "linear", EncodingDim = 0 }, "encoding_dim", "between 1 and 784" },
        { new() { Architecture = "linear", EncodingDim = 785 }, "encoding_dim", "got 785" },
        { new() { Architecture = "conv-denoise", EncodingDim = 32 }, "encoding_dim", "fixed at 72" },
        { new() { Architecture = "linear", NoiseFactor = -0.5 }, "noise_factor", "got -0.5" },
        { new() { Architecture = "deep-mlp", HiddenSizes = [] }, "hidden_sizes", "at least one" },
        { new() { Architecture = "deep-mlp", HiddenSizes = [128, 0] }, "hidden_sizes", "got 0 in [128, 0]" },
        { new() { Architecture = "linear", HiddenSizes = [64] }, "hidden_sizes", "linear has no configurable hidden layers" },
        { new() { Architecture = "linear", Optimizer = "rmsprop" }, "optimizer", "unknown optimizer 'rmsprop'; known: adam, sgd" },
        { new() { Architecture = "linear", Limit = 0 }, "limit", "got 0" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Each_bad_hyperparameter_is_named_as_the_CLI_spells_it(Hyperparameters config, string parameter, string detail)
    {
        var error = Assert.Throws<InvalidHyperparameterException>(config.Validate);

        Assert.Equal(parameter, error.Parameter);
        Assert.StartsWith(parameter + ": ", error.Message);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void Defaults_are_valid_for_every_architecture()
    {
        foreach (var name in AeGrid.Models.Architectures.ArchitectureRegistry.Names)
            new Hyperparameters { Architecture = name }.WithDefaults().Validate();
    }

    [Fact]
    public void Training_refuses_a_bad_config_before_touching_the_data()
    {
        var observer = new RecordingObserver();
        var config = new Hyperparameters { Architecture = "linear", BatchSize = -1 };

        var error = Assert.Throws<InvalidHyperparameterException>(() =>
            Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None));

        Assert.Equal("batch_size", error.Parameter);
        Assert.Empty(observer.Batches);
    }
}
