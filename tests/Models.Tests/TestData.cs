using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Models.Tests;

/// <summary>The shipped fixtures (copied next to the test binaries by the csproj) and shared settings.</summary>
internal static class TestData
{
    /// <summary>600 training and 200 test MNIST digits (tests/fixtures/README.md).</summary>
    public static string MnistSmallDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures", "mnist-small");

    public static Dataset MnistSmall => DatasetCatalog.Load(MnistSmallDirectory);

    /// <summary>
    /// One intra-op thread: identical numbers in every test (results may differ in the last bits between thread
    /// counts), and no OpenMP spinning against other work on a busy 2-core machine.
    /// </summary>
    public static TrainingOptions CpuOptions { get; } = new() { Device = "cpu", Threads = 1 };

    /// <summary>MSE of predicting every test image by the mean training image: the bar an autoencoder must clear.</summary>
    public static double MeanImageMse(Dataset data)
    {
        int pixels = data.Train.PixelsPerImage;
        var mean = new double[pixels];
        for (int i = 0; i < data.Train.Count; i++)
            for (int p = 0; p < pixels; p++) mean[p] += data.Train.Pixels[i * pixels + p];
        for (int p = 0; p < pixels; p++) mean[p] /= data.Train.Count;
        double sum = 0;
        for (int i = 0; i < data.Test.Count; i++)
            for (int p = 0; p < pixels; p++)
            {
                double difference = data.Test.Pixels[i * pixels + p] - mean[p];
                sum += difference * difference;
            }
        return sum / ((double)data.Test.Count * pixels);
    }

    /// <summary>A fresh empty directory under the system temp folder, removed by the caller's Dispose.</summary>
    public static TemporaryDirectory NewTemporaryDirectory() => new();
}

internal sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aegrid-models-tests-" + Guid.NewGuid().ToString("N"))).FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Records what the trainer reports; optional hooks act on it (pause or cancel at a given batch).</summary>
internal sealed class RecordingObserver : ITrainingObserver
{
    public List<BatchProgress> Batches { get; } = [];
    public List<EpochMetrics> Epochs { get; } = [];
    public List<Checkpoint> Checkpoints { get; } = [];
    public Action<BatchProgress>? OnBatchHook { get; init; }

    public void OnBatch(BatchProgress progress)
    {
        Batches.Add(progress);
        OnBatchHook?.Invoke(progress);
    }

    public void OnEpoch(EpochMetrics metrics) => Epochs.Add(metrics);
    public void OnCheckpoint(Checkpoint checkpoint) => Checkpoints.Add(checkpoint);
}
