using AeGrid.Models.Training;
using static TorchSharp.torch;

namespace AeGrid.Models.Tests.Training;

public sealed class ComputeDeviceTests
{
    [WithoutGpuFact]
    public void Cuda_without_a_gpu_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Trainer.Run(
            new Hyperparameters { Architecture = "linear", Epochs = 1 }, TestData.MnistSmall,
            new TrainingOptions { Device = "cuda", Threads = 1 }, null, new RecordingObserver(), CancellationToken.None));

        Assert.StartsWith("device: cuda was requested but torch.cuda.is_available() is false", error.Message);
    }

    [Fact]
    public void Unknown_device_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => Trainer.Run(
            new Hyperparameters { Architecture = "linear", Epochs = 1 }, TestData.MnistSmall,
            new TrainingOptions { Device = "tpu", Threads = 1 }, null, new RecordingObserver(), CancellationToken.None));

        Assert.Contains("device: must be auto, cpu or cuda, got 'tpu'", error.Message);
    }
}
