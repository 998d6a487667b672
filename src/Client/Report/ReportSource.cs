using System.Text.Json;
using AeGrid.Client.Cli;
using AeGrid.Client.Output;
using AeGrid.Client.Training;
using AeGrid.Grains.Sweeps;
using AeGrid.Models.Training;

namespace AeGrid.Client.Report;

/// <summary>
/// A trained model to report on, as found on disk: an `aegrid export` weights file with its FILE.json, or the
/// --out DIR of `aegrid train`. Reading the files checks them; every problem is a <see cref="CliException"/>
/// (exit 2) naming the file.
/// </summary>
internal sealed class ReportSource
{
    readonly Func<TrainingOptions, TrainedModel> _open;

    ReportSource(string description, Hyperparameters config, string? trialId, IReadOnlyDictionary<string, double> metrics,
        Func<TrainingOptions, TrainedModel> open)
    {
        Description = description;
        Config = config;
        TrialId = trialId;
        Metrics = metrics;
        _open = open;
    }

    /// <summary>Where the model came from, for humans ("exported model best.bin (trial …)").</summary>
    public string Description { get; }
    /// <summary>The hyperparameters as trained, tutorial defaults filled in.</summary>
    public Hyperparameters Config { get; }
    public string? TrialId { get; }
    /// <summary>The final metrics stored with the model (snake_case names as in metrics.json / FILE.json).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Loads the weights into a fresh network; a mismatch with the config is reported naming the weights file.</summary>
    public TrainedModel OpenModel(TrainingOptions options)
    {
        try
        {
            return _open(options);
        }
        catch (CheckpointFormatException e)
        {
            throw CliException.InvalidInput(e.Message, e);
        }
    }

    /// <summary>What `aegrid export TRIAL --out FILE` wrote: FILE (TorchSharp module weights) and FILE.json.</summary>
    public static ReportSource FromExport(string weightsPath)
    {
        var weights = Path.GetFullPath(weightsPath);
        if (!File.Exists(weights)) throw CliException.InvalidInput($"{weights}: weights file not found");
        var configPath = weights + ".json";
        if (!File.Exists(configPath))
            throw CliException.InvalidInput(
                $"{configPath}: not found; --model needs the FILE.json that `aegrid export` writes beside the weights " +
                "(for the --out DIR of `aegrid train`, use --train-dir DIR)");

        using var document = ParseJson(configPath);
        var root = document.RootElement;
        if (!root.TryGetProperty("hyperparameters", out var hyperparameters) || hyperparameters.ValueKind != JsonValueKind.Object)
            throw CliException.InvalidInput($"{configPath}: no \"hyperparameters\" object (is this a file `aegrid export` wrote?)");
        Hyperparameters config;
        try
        {
            config = HyperparametersJson.Read(hyperparameters);
        }
        catch (FormatException e)
        {
            throw CliException.InvalidInput($"{configPath}: {e.Message}", e);
        }
        var filled = Filled(config, configPath);
        var trialId = root.TryGetProperty("trial_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        var metrics = root.TryGetProperty("metrics", out var stored) ? StoredMetrics(stored) : new Dictionary<string, double>();
        var description = $"exported model {weights}" + (trialId is null ? "" : $" (trial {trialId})");
        return new ReportSource(description, filled, trialId, metrics,
            options => TrainedModel.FromWeights(filled, weights, options));
    }

    /// <summary>What `aegrid train --out DIR` wrote: model.ckpt (a checkpoint), config.json and metrics.json.</summary>
    public static ReportSource FromTrainingDirectory(string directory)
    {
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root)) throw CliException.InvalidInput($"{root}: no such directory");
        var checkpointPath = Required(root, TrainingArtifacts.WeightsFile);
        var configPath = Required(root, TrainingArtifacts.ConfigFile);
        var metricsPath = Required(root, TrainingArtifacts.MetricsFile);

        Hyperparameters config;
        using (var document = ParseJson(configPath))
        {
            try
            {
                config = document.RootElement.Deserialize<Hyperparameters>(JsonOutput.Options)
                         ?? throw new JsonException("the file holds null");
            }
            catch (JsonException e)
            {
                throw CliException.InvalidInput($"{configPath}: not a training config: {e.Message}", e);
            }
        }
        var filled = Filled(config, configPath);

        Dictionary<string, double> metrics;
        int epochs;
        using (var document = ParseJson(metricsPath))
        {
            metrics = StoredMetrics(document.RootElement);
            // The checkpoint record needs the epoch it was taken at; `train --out` keeps the last epoch's checkpoint.
            if (!document.RootElement.TryGetProperty("epochs", out var finished) || !finished.TryGetInt32(out epochs) || epochs < 1)
                throw CliException.InvalidInput($"{metricsPath}: no positive \"epochs\" count (is this a file `aegrid train --out` wrote?)");
        }

        return new ReportSource($"training run {root}", filled, trialId: null, metrics, options =>
        {
            var checkpoint = new Checkpoint(epochs, Batch: 0, File.ReadAllBytes(checkpointPath));
            try
            {
                return TrainedModel.FromCheckpoint(filled, checkpoint, options);
            }
            catch (CheckpointFormatException e)
            {
                throw new CheckpointFormatException($"{checkpointPath}: {e.Message}", e);
            }
        });
    }

    /// <summary>The metric names a report shows, in this order, as metrics.json and FILE.json spell them.</summary>
    public static IReadOnlyList<string> MetricNames { get; } =
    [
        "epochs", "test_mse", "train_mse", "test_psnr", "noisy_input_mse", "noisy_input_psnr", "nmi", "cluster_accuracy",
        "baseline_nmi", "baseline_cluster_accuracy", "samples_per_second",
    ];

    /// <summary>The known metrics in <paramref name="element"/>; NaN and infinities may be stored as strings.</summary>
    static Dictionary<string, double> StoredMetrics(JsonElement element)
    {
        var metrics = new Dictionary<string, double>();
        if (element.ValueKind != JsonValueKind.Object) return metrics;
        foreach (var name in MetricNames)
        {
            // An exported model's metrics are one epoch's, so they say "epoch" where a training run says "epochs".
            var found = element.TryGetProperty(name, out var value)
                        || (name == "epochs" && element.TryGetProperty("epoch", out value));
            if (!found) continue;
            if (value.ValueKind == JsonValueKind.Number) metrics[name] = value.GetDouble();
            else if (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(),
                         System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                metrics[name] = parsed;
        }
        return metrics;
    }

    static Hyperparameters Filled(Hyperparameters config, string path)
    {
        try
        {
            var filled = config.WithDefaults();
            filled.Validate();
            return filled;
        }
        catch (InvalidHyperparameterException e)
        {
            throw CliException.InvalidInput($"{path}: invalid hyperparameter {e.Message}", e);
        }
    }

    static string Required(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        return File.Exists(path)
            ? path
            : throw CliException.InvalidInput($"{path}: not found; --train-dir needs the {TrainingArtifacts.WeightsFile}, " +
                                              $"{TrainingArtifacts.ConfigFile} and {TrainingArtifacts.MetricsFile} that `aegrid train --out DIR` writes");
    }

    static JsonDocument ParseJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw CliException.InvalidInput($"{path}: not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.InvalidInput($"{path}: cannot read: {e.Message}", e);
        }
    }
}
