using System.Globalization;
using System.Text.Json.Nodes;

namespace AeGrid.SearchBenchmark;

/// <summary>
/// The one space every method searches: the denoising MLP on Fashion-MNIST with the tutorial's noise (0.6·N(0,1), not
/// clipped), varying the learning rate, the batch size and the network's hidden layers. The noise is fixed on purpose:
/// test MSE is measured on test images noised with the trial's own noise factor, so a search over it would just find
/// the least noise.
/// </summary>
public static class DenoisingSpace
{
    public const string Architecture = "denoise-mlp";
    public const string Dataset = "fashion-mnist";
    public const double NoiseFactor = 0.6;
    public const double LrLow = 1e-4, LrHigh = 1e-1;

    /// <summary>The grid's learning rates: the decades spanning [<see cref="LrLow"/>, <see cref="LrHigh"/>].</summary>
    public static readonly IReadOnlyList<double> GridLearningRates = [1e-4, 1e-3, 1e-2, 1e-1];
    public static readonly IReadOnlyList<int> BatchSizes = [32, 64, 128, 256];
    public static readonly IReadOnlyList<int[]> HiddenSizes = [[256], [256, 128]];

    /// <summary>PBT continues a trial from another's checkpoint, so the model's shape cannot vary: it keeps the tutorial's.</summary>
    public static readonly int[] PbtHiddenSizes = [256, 128];

    public static int GridSize => GridLearningRates.Count * BatchSizes.Count * HiddenSizes.Count;

    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The `space:` entries of a sampling search (random, tpe): one distribution per hyperparameter.</summary>
    public static string SampledSpaceYaml(bool includeHiddenSizes) =>
        $"""
          lr: {LogUniformYaml}
          batch_size: {ChoiceYaml}
        """ + (includeHiddenSizes ? $"\n  hidden_sizes: {{choice: {HiddenSizesYaml}}}" : "");

    /// <summary>The `space:` entries of the grid: lists, nested loops in this order (the learning rate outermost).</summary>
    public static string GridSpaceYaml =>
        $"""
          lr: [{string.Join(", ", GridLearningRates.Select(Number))}]
          batch_size: [{string.Join(", ", BatchSizes)}]
          hidden_sizes: {HiddenSizesYaml}
        """;

    static string LogUniformYaml => $"{{loguniform: [{Number(LrLow)}, {Number(LrHigh)}]}}";
    static string ChoiceYaml => $"{{choice: [{string.Join(", ", BatchSizes)}]}}";
    static string HiddenSizesYaml => "[" + string.Join(", ", HiddenSizes.Select(ListYaml)) + "]";
    public static string ListYaml(int[] sizes) => "[" + string.Join(", ", sizes) + "]";

    /// <summary>YAML reads `1e-4` as a string; `1.0e-4` is a number.</summary>
    static string Number(double value) => value.ToString("0.0##e0", Invariant);

    /// <summary>The same space for optuna_tpe.py, in the sweep file's own vocabulary (the script maps it onto Optuna's suggest_*).</summary>
    public static JsonObject OptunaSpace() => new()
    {
        ["lr"] = new JsonObject { ["loguniform"] = new JsonArray(LrLow, LrHigh) },
        ["batch_size"] = new JsonObject { ["choice"] = new JsonArray(BatchSizes.Select(b => (JsonNode)b).ToArray()) },
        ["hidden_sizes"] = new JsonObject
        {
            ["choice"] = new JsonArray(HiddenSizes.Select(h => (JsonNode)new JsonArray(h.Select(x => (JsonNode)x).ToArray())).ToArray()),
        },
    };

    /// <summary>What every trial shares, for optuna_tpe.py.</summary>
    public static JsonObject OptunaFixed(SearchOptions options) => new()
    {
        ["architecture"] = Architecture,
        ["dataset"] = Dataset,
        ["limit"] = options.Limit,
        ["epochs"] = options.Epochs,
        ["noise_factor"] = NoiseFactor,
        ["clip_noise"] = false,
    };
}
