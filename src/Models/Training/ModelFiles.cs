using AeGrid.Models.Data;

namespace AeGrid.Models.Training;

/// <summary>
/// Exported models: the weights alone, in TorchSharp's module format (what Module.save writes and Module.load
/// reads), so a model can be loaded outside AeGrid into the same architecture.
/// </summary>
public static class ModelFiles
{
    /// <summary>The weights held in <paramref name="checkpoint"/>, checked to load into <paramref name="config"/>'s architecture.</summary>
    public static byte[] WeightsFromCheckpoint(Hyperparameters config, Checkpoint checkpoint)
    {
        var filled = config.WithDefaults();
        filled.Validate();
        // The checkpoint stores the model exactly as Module.save writes it; loading it once proves it fits.
        var state = CheckpointFormat.Read(checkpoint, filled.ShapeDescription()).ModelState;
        using var model = TrainedModel.FromModelState(filled, state, new TrainingOptions { Device = "cpu" }, "checkpoint", checkpoint.Epoch);
        return state;
    }

    public static void WriteWeights(Hyperparameters config, Checkpoint checkpoint, Stream destination) =>
        destination.Write(WeightsFromCheckpoint(config, checkpoint));

    /// <summary>Writes the weights to <paramref name="path"/> (replacing it) via a temporary file, so a crash leaves no half-written model.</summary>
    public static void WriteWeights(Hyperparameters config, Checkpoint checkpoint, string path)
    {
        var weights = WeightsFromCheckpoint(config, checkpoint);
        var temporary = path + ".partial";
        File.WriteAllBytes(temporary, weights);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Loads exported weights into a fresh model and measures it on the test split, as an epoch would.</summary>
    public static EpochMetrics Evaluate(Hyperparameters config, string weightsPath, Dataset data, TrainingOptions options)
    {
        using var model = TrainedModel.FromWeights(config, weightsPath, options);
        return model.Evaluate(data);
    }
}
