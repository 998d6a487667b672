using System.Diagnostics;
using AeGrid.Models.Training;
using Xunit.Abstractions;

namespace AeGrid.Models.Tests.Training;

/// <summary>
/// Each architecture really learns on the 600-image fixture: its test MSE ends well below the MSE of predicting
/// every test image by the mean training image (0.0698 on the fixture). Epochs and batch sizes are the tests'
/// (small batches give enough steps in a few epochs); the other hyperparameters are the tutorials'.
/// Thresholds leave at least ~10% margin over the measured ratios noted beside each case; with one thread the
/// numbers are the same on every run, so the margin only has to absorb other machines' floating-point libraries.
/// </summary>
public sealed class ArchitectureTrainingTests(ITestOutputHelper output)
{
    public static TheoryData<string, Hyperparameters, double> Cases => new()
    {
        // measured ratio 0.55 at epoch 12
        { "linear", new() { Architecture = "linear", Epochs = 12, BatchSize = 10 }, 0.7 },
        // a 3-number code reconstructs less; measured 0.68 at epoch 20
        { "deep-mlp", new() { Architecture = "deep-mlp", Dataset = "mnist", Epochs = 20, BatchSize = 10, LearningRate = 2e-3 }, 0.8 },
        // saturated sigmoids from the uniform(±1) start and σ=0.6 input noise learn slowly; measured 0.72 at epoch 16
        { "denoise-mlp", new() { Architecture = "denoise-mlp", HiddenSizes = [256], Epochs = 16, BatchSize = 5 }, 0.8 },
        // measured 0.63 at epoch 8
        { "conv-denoise", new() { Architecture = "conv-denoise", Epochs = 8, BatchSize = 5 }, 0.75 },
        // pixel-space MSE; measured 0.58 at epoch 6
        { "cluster-mlp", new() { Architecture = "cluster-mlp", Epochs = 6, BatchSize = 20 }, 0.7 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Test_mse_falls_well_below_the_mean_image(string name, Hyperparameters config, double maximumRatio)
    {
        var data = TestData.MnistSmall;
        double meanImageMse = TestData.MeanImageMse(data);
        var clock = Stopwatch.StartNew();

        var result = Trainer.Run(config, data, TestData.CpuOptions, null, new RecordingObserver(), CancellationToken.None);

        foreach (var epoch in result.Epochs)
            output.WriteLine($"{name} epoch {epoch.Epoch}: train {epoch.TrainMse:F5} test {epoch.TestMse:F5} " +
                $"ratio {epoch.TestMse / meanImageMse:F3} {epoch.WallSeconds:F2}s {epoch.SamplesPerSecond:F0}/s");
        output.WriteLine($"{name}: {clock.Elapsed.TotalSeconds:F1}s in all");
        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal(config.Epochs, result.Epochs.Count);
        var last = result.Epochs[^1];
        Assert.True(last.TestMse < maximumRatio * meanImageMse,
            $"{name}: test MSE {last.TestMse:F5} is not below {maximumRatio} × mean-image MSE {meanImageMse:F5}");
        Assert.True(last.TrainMse < result.Epochs[0].TrainMse, "training MSE should fall");
    }

    [Fact]
    public void Denoisers_report_noisy_input_mse_and_psnr()
    {
        var config = new Hyperparameters { Architecture = "denoise-mlp", Epochs = 2, BatchSize = 50 };

        var result = Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, new RecordingObserver(), CancellationToken.None);

        var first = result.Epochs[0];
        var second = result.Epochs[1];
        // Unclipped N(0, 0.6²) noise adds 0.36 to the MSE on average; the same noise every epoch.
        Assert.InRange(first.NoisyInputMse!.Value, 0.34, 0.38);
        Assert.Equal(first.NoisyInputMse, second.NoisyInputMse);
        Assert.Equal(10 * Math.Log10(1 / first.NoisyInputMse.Value), first.NoisyInputPsnr!.Value, 10);
        Assert.Equal(10 * Math.Log10(1 / first.TestMse), first.TestPsnr!.Value, 10);
        Assert.True(first.TestMse < first.NoisyInputMse, "the reconstruction should be closer to the clean image than the noisy input");
        Assert.Null(first.Nmi);
    }

    [Fact]
    public void Cluster_mlp_reports_clustering_of_codes_and_the_raw_pixel_baseline()
    {
        var config = new Hyperparameters { Architecture = "cluster-mlp", Epochs = 3, BatchSize = 20 };

        var result = Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, new RecordingObserver(), CancellationToken.None);

        foreach (var epoch in result.Epochs)
        {
            output.WriteLine($"epoch {epoch.Epoch}: NMI {epoch.Nmi:F3} accuracy {epoch.ClusterAccuracy:F3} baseline {epoch.BaselineNmi:F3}/{epoch.BaselineClusterAccuracy:F3}");
            Assert.InRange(epoch.Nmi!.Value, 0.3, 1);           // measured ≈ 0.5; chance on 200 images is ≈ 0.1
            Assert.InRange(epoch.ClusterAccuracy!.Value, 0.3, 1);
            Assert.InRange(epoch.BaselineNmi!.Value, 0.3, 1);
            Assert.Equal(result.Epochs[0].BaselineNmi, epoch.BaselineNmi);
            Assert.Null(epoch.NoisyInputMse);
        }
    }
}
