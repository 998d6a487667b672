using AeGrid.Models.Training;

namespace AeGrid.Models.Tests.Training;

public sealed class ModelInspectionTests
{
    [Fact]
    public void Reconstructions_of_all_test_images_give_the_reported_test_mse()
    {
        var config = new Hyperparameters { Architecture = "conv-denoise", Epochs = 1, BatchSize = 50 };
        var data = TestData.MnistSmall;
        var observer = new RecordingObserver();
        Trainer.Run(config, data, TestData.CpuOptions, null, observer, CancellationToken.None);
        using var model = TrainedModel.FromCheckpoint(config, observer.Checkpoint(), TestData.CpuOptions);

        var samples = ModelInspection.Reconstructions(model, data, count: 1000);

        Assert.Equal((200, 28, 28), (samples.Count, samples.Rows, samples.Columns));
        Assert.Equal(200 * 784, samples.Reconstructions.Length);
        Assert.NotNull(samples.NoisyInputs);
        Assert.All(samples.NoisyInputs!, pixel => Assert.InRange(pixel, 0f, 1f)); // conv-denoise clips its noise
        Assert.Equal(data.Test.Labels, samples.Labels);
        Assert.Equal(observer.Epochs[^1].TestMse, Mse(samples.Reconstructions, samples.Originals), 6);
        Assert.Equal(observer.Epochs[^1].NoisyInputMse!.Value, Mse(samples.NoisyInputs!, samples.Originals), 6);
    }

    [Fact]
    public void Plain_autoencoders_have_no_noisy_inputs()
    {
        var config = new Hyperparameters { Architecture = "linear", Epochs = 1, BatchSize = 100 };
        var observer = new RecordingObserver();
        Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None);
        using var model = TrainedModel.FromCheckpoint(config, observer.Checkpoint(), TestData.CpuOptions);

        var samples = ModelInspection.Reconstructions(model, TestData.MnistSmall, count: 8);

        Assert.Equal(8, samples.Count);
        Assert.Null(samples.NoisyInputs);
        Assert.Equal(TestData.MnistSmall.Test.Pixels[..(8 * 784)], samples.Originals);
    }

    [Fact]
    public void Deep_mlp_codes_are_three_dimensional_with_labels()
    {
        var config = new Hyperparameters { Architecture = "deep-mlp", Dataset = "mnist", Epochs = 1, BatchSize = 64 };
        var observer = new RecordingObserver();
        Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None);
        using var model = TrainedModel.FromCheckpoint(config, observer.Checkpoint(), TestData.CpuOptions);

        var codes = ModelInspection.Codes(model, TestData.MnistSmall, count: 50);

        Assert.Equal((50, 3), (codes.Count, codes.Dimensions));
        Assert.Equal(150, codes.Codes.Length);
        Assert.Equal(TestData.MnistSmall.Test.Labels[..50], codes.Labels);
        Assert.True(codes.Codes.Distinct().Count() > 100, "codes should differ between images");
    }

    [Fact]
    public void Cluster_assignments_match_the_epoch_scores()
    {
        var config = new Hyperparameters { Architecture = "cluster-mlp", Epochs = 1, BatchSize = 50 };
        var observer = new RecordingObserver();
        Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None);
        using var model = TrainedModel.FromCheckpoint(config, observer.Checkpoint(), TestData.CpuOptions);

        var clusters = ModelInspection.Clusters(model, TestData.MnistSmall);

        Assert.Equal(200, clusters.Clusters.Length);
        Assert.Equal(10, clusters.Clusters.Distinct().Count());
        Assert.Equal(observer.Epochs[^1].Nmi, clusters.Nmi);
        Assert.Equal(observer.Epochs[^1].ClusterAccuracy, clusters.Accuracy);
    }

    static double Mse(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (double)(a[i] - b[i]);
        return sum / a.Length;
    }
}
