using System.Globalization;

namespace AeGrid.SearchBenchmark;

/// <summary>
/// The sweep file of one AeGrid method and seed. Only documented keys, and none of the optional tpe:/pbt: blocks
/// (their defaults are the ones the issue asks for), so the same files run unchanged on any build that has the method.
/// </summary>
public static class SweepFile
{
    /// <summary>ASHA's rungs: 1, 3, 9, … epochs; a trial goes on from a rung only in the top third there.</summary>
    public const string AshaPruner = "{asha: {min_epochs: 1, reduction_factor: 3}}";

    public static string Name(SearchMethod method, int seed) => $"searchbench-{method.Name}-s{seed}";

    public static string Yaml(SearchMethod method, int seed, SearchOptions options)
    {
        if (method.Search is null) throw new ArgumentException($"{method.Name} is not an AeGrid sweep", nameof(method));
        var pbt = method.Search == "pbt";
        var lines = new List<string>
        {
            $"# Written by benchmarks/SearchBenchmark: {method.Description}, seed {seed}.",
            $"# Budget: {options.BudgetEpochs} epochs = {DenoisingSpace.GridSize} grid points x {options.Epochs} epochs.",
            $"name: {Name(method, seed)}",
            $"architecture: {DenoisingSpace.Architecture}",
            $"dataset: {DenoisingSpace.Dataset}",
            $"limit: {options.Limit}",
            $"epochs: {options.Epochs}",
            string.Create(CultureInfo.InvariantCulture, $"noise_factor: {DenoisingSpace.NoiseFactor}"),
            "clip_noise: false",
            "metric: test_mse",
            $"search: {method.Search}",
        };
        if (method.Search != "grid") lines.Add($"trials: {options.Trials * method.TrialsFactor}");
        lines.Add($"seed: {seed}");
        lines.Add("keep_best: 0");
        if (method.Pruned) lines.Add($"pruner: {AshaPruner}");
        if (pbt) lines.Add($"hidden_sizes: {DenoisingSpace.ListYaml(DenoisingSpace.PbtHiddenSizes)}");
        lines.Add("space:");
        lines.Add(method.Search == "grid" ? DenoisingSpace.GridSpaceYaml : DenoisingSpace.SampledSpaceYaml(includeHiddenSizes: !pbt));
        return string.Join('\n', lines) + "\n";
    }
}
