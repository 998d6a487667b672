using AeGrid.Client.Output;
using AeGrid.Models.Training;

namespace AeGrid.Client.Training;

/// <summary>
/// What `aegrid train --out DIR` leaves behind: the trained weights, the config that reproduces them, and the metrics.
/// </summary>
internal static class TrainingArtifacts
{
    /// <summary>
    /// The final checkpoint's bytes: AeGrid.Models' versioned checkpoint format (model and optimiser state), which
    /// Trainer.Evaluate and resuming read back. Models has no separate weights-only export (yet).
    /// </summary>
    public const string WeightsFile = "model.ckpt";
    public const string ConfigFile = "config.json";
    public const string MetricsFile = "metrics.json";

    /// <summary>Writes the files (each atomically) and returns the report listing them.</summary>
    public static TrainReport Write(string directory, TrainReport report, Checkpoint? lastCheckpoint)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        if (lastCheckpoint is not null)
        {
            var weights = Path.Combine(directory, WeightsFile);
            AtomicFile.WriteAllBytes(weights, lastCheckpoint.Bytes);
            files.Add(weights);
        }

        var config = Path.Combine(directory, ConfigFile);
        JsonOutput.WriteFile(config, report.Hyperparameters);
        files.Add(config);

        var metrics = Path.Combine(directory, MetricsFile);
        files.Add(metrics);
        var withFiles = report with { Files = files };
        JsonOutput.WriteFile(metrics, withFiles);
        return withFiles;
    }
}
