using AeGrid.Models.Architectures;
using AeGrid.Models.Training;

namespace AeGrid.Models.Tests.Training;

public sealed class ModelFilesTests
{
    public static TheoryData<Hyperparameters> Configs => new()
    {
        new Hyperparameters { Architecture = "linear", Epochs = 2, BatchSize = 50 },
        new Hyperparameters { Architecture = "denoise-mlp", Epochs = 1, BatchSize = 50 },
        new Hyperparameters { Architecture = "cluster-mlp", Epochs = 1, BatchSize = 50 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Exported_weights_reproduce_the_epoch_test_metrics(Hyperparameters config)
    {
        var data = TestData.MnistSmall;
        var observer = new RecordingObserver();
        Trainer.Run(config, data, TestData.CpuOptions, null, observer, CancellationToken.None);
        var last = observer.Epochs[^1];
        using var directory = TestData.NewTemporaryDirectory();
        var path = directory.File("model.bin");

        ModelFiles.WriteWeights(config, observer.Checkpoints[^1], path);
        var reloaded = ModelFiles.Evaluate(config, path, data, TestData.CpuOptions);
        var fromCheckpoint = Trainer.Evaluate(config, data, observer.Checkpoints[^1], TestData.CpuOptions);

        foreach (var metrics in new[] { reloaded, fromCheckpoint })
        {
            Assert.Equal(last.TestMse, metrics.TestMse);
            Assert.Equal(last.TestPsnr, metrics.TestPsnr);
            Assert.Equal(last.NoisyInputMse, metrics.NoisyInputMse);
            Assert.Equal(last.Nmi, metrics.Nmi);
            Assert.Equal(last.ClusterAccuracy, metrics.ClusterAccuracy);
            Assert.InRange(metrics.TrainMse, 0, 1);
        }
        Assert.Equal(config.Epochs, fromCheckpoint.Epoch);
        Assert.Equal(0, reloaded.Epoch);
    }

    [Fact]
    public void Weights_file_is_plain_TorchSharp_module_format()
    {
        var config = new Hyperparameters { Architecture = "linear", EncodingDim = 10, Epochs = 1, BatchSize = 100 };
        var observer = new RecordingObserver();
        Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None);
        using var directory = TestData.NewTemporaryDirectory();
        var path = directory.File("linear.dat");
        ModelFiles.WriteWeights(config, observer.Checkpoints[^1], path);

        // Anyone with TorchSharp and the architecture's class can load it with Module.load.
        using var model = new LinearAutoencoder(10);
        model.load(path);
        using var stream = new MemoryStream();
        ModelFiles.WriteWeights(config, observer.Checkpoint(), stream);

        Assert.Equal(File.ReadAllBytes(path), stream.ToArray());
        Assert.Equal(File.ReadAllBytes(path), ModelFiles.WeightsFromCheckpoint(config, observer.Checkpoint()));
        Assert.Equal([10L, 784L], model.named_parameters().First().parameter.shape);
        Assert.NotEqual(0f, model.named_parameters().First().parameter.abs().sum().item<float>());
    }

    [Fact]
    public void Weights_for_another_shape_are_refused_naming_the_file()
    {
        var config = new Hyperparameters { Architecture = "linear", EncodingDim = 10, Epochs = 1, BatchSize = 100 };
        var observer = new RecordingObserver();
        Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None);
        using var directory = TestData.NewTemporaryDirectory();
        var path = directory.File("linear.dat");
        ModelFiles.WriteWeights(config, observer.Checkpoint(), path);

        var error = Assert.ThrowsAny<Exception>(() =>
            ModelFiles.Evaluate(config with { EncodingDim = 20 }, path, TestData.MnistSmall, TestData.CpuOptions));

        Assert.Contains(path, error.Message);
        Assert.Contains("do not fit linear encoding_dim=20", error.Message);
    }

    [Fact]
    public void Missing_weights_file_is_named()
    {
        var error = Assert.Throws<FileNotFoundException>(() =>
            ModelFiles.Evaluate(new Hyperparameters { Architecture = "linear" }, "/no/such/model.bin", TestData.MnistSmall, TestData.CpuOptions));

        Assert.Contains("/no/such/model.bin", error.Message);
    }
}

internal static class ObserverExtensions
{
    public static Checkpoint Checkpoint(this RecordingObserver observer) => observer.Checkpoints[^1];
}
