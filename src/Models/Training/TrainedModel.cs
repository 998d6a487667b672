using System.Diagnostics;
using System.Text;
using AeGrid.Models.Architectures;
using AeGrid.Models.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace AeGrid.Models.Training;

/// <summary>
/// A trained network ready for evaluation and inspection, rebuilt from a checkpoint or from an exported weights
/// file. Dispose it to free its tensors.
/// </summary>
public sealed class TrainedModel : IDisposable
{
    TrainedModel(Hyperparameters config, Autoencoder network, Device device, int epoch)
    {
        Config = config;
        Network = network;
        Device = device;
        Epoch = epoch;
    }

    /// <summary>The config with defaults filled in.</summary>
    public Hyperparameters Config { get; }
    /// <summary>Completed epochs when rebuilt from a checkpoint; 0 for a weights file (which does not record it).</summary>
    public int Epoch { get; }
    internal Autoencoder Network { get; }
    internal Device Device { get; }

    public static TrainedModel FromCheckpoint(Hyperparameters config, Checkpoint checkpoint, TrainingOptions options)
    {
        var filled = Prepare(config);
        var contents = CheckpointFormat.Read(checkpoint, filled.ShapeDescription());
        return FromModelState(filled, contents.ModelState, options, "checkpoint", contents.Epoch);
    }

    /// <summary>Loads weights written by <see cref="ModelFiles.WriteWeights(Hyperparameters, Checkpoint, string)"/> (TorchSharp's module format).</summary>
    public static TrainedModel FromWeights(Hyperparameters config, string weightsPath, TrainingOptions options)
    {
        var filled = Prepare(config);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath}: weights file not found", weightsPath);
        byte[] state;
        try
        {
            state = File.ReadAllBytes(weightsPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{weightsPath}: cannot read the weights file: {e.Message}", e);
        }
        return FromModelState(filled, state, options, weightsPath, epoch: 0);
    }

    internal static TrainedModel FromModelState(Hyperparameters filled, byte[] state, TrainingOptions options, string source, int epoch)
    {
        var device = ComputeDevice.Select(options);
        var network = ArchitectureRegistry.Get(filled.Architecture).Create(filled);
        try
        {
            LoadState(network, state, source, filled);
            network.to(device);
            network.eval();
            return new TrainedModel(filled, network, device, epoch);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Loads <paramref name="state"/> (Module.save format) into <paramref name="network"/>, explaining a mismatch.</summary>
    internal static void LoadState(Autoencoder network, byte[] state, string source, Hyperparameters filled)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(state), Encoding.UTF8);
            network.load(reader, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new CheckpointFormatException(
                $"{source}: the saved weights do not fit {filled.ShapeDescription()}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Test metrics as an epoch reports them (same test MSE, PSNR and clustering), plus TrainMse measured here
    /// over the training split in evaluation mode (denoisers: with seeded noise). SamplesPerSecond is the test
    /// pass's throughput.
    /// </summary>
    public EpochMetrics Evaluate(Dataset data)
    {
        var clock = Stopwatch.StartNew();
        using var onDevice = DeviceData.Create(data, Config, Device, includeTrain: true);
        var train = Evaluation.Pass(Network, onDevice.Train!, Config, Seeds.EvaluationTrainNoise, collectCodes: false);
        var testClock = Stopwatch.StartNew();
        var metrics = Evaluation.Measure(Network, Config, onDevice, Epoch, train.Mse, samplesPerSecond: 0, trainingSeconds: 0);
        double testSeconds = testClock.Elapsed.TotalSeconds;
        return metrics with { SamplesPerSecond = data.Test.Count / testSeconds, WallSeconds = clock.Elapsed.TotalSeconds };
    }

    static Hyperparameters Prepare(Hyperparameters config)
    {
        var filled = config.WithDefaults();
        filled.Validate();
        return filled;
    }

    public void Dispose() => Network.Dispose();
}
