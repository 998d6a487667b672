using AeGrid.Models.Training;

namespace AeGrid.FusionBenchmark;

/// <summary>One benchmarked configuration; member k of a pack gets <see cref="Member"/>(k).</summary>
internal sealed record Recipe(string Name, Hyperparameters Config, string Fusion)
{
    /// <summary>Members differ in lr (and, where the pack allows it, in seed), as trials of a sweep would.</summary>
    public Hyperparameters Member(int k) => Config with
    {
        LearningRate = (Config.LearningRate ?? 1e-3) * (1 + 0.1 * k),
        Seed = Config.Shuffle == false ? 100 + k : Config.Seed,
    };
}

internal static class Recipes
{
    /// <summary>Each MLP recipe at batch 20 and at its tutorial batch size (defaults otherwise).</summary>
    public static IReadOnlyList<Recipe> All { get; } =
    [
        new("linear", new() { Architecture = "linear", BatchSize = 20, LearningRate = 1e-3 }, "wide first layer (shared input)"),
        new("deep-mlp", new() { Architecture = "deep-mlp", Dataset = "mnist", BatchSize = 20, LearningRate = 5e-3 }, "wide first layer (shared input)"),
        new("deep-mlp", new() { Architecture = "deep-mlp", Dataset = "mnist", BatchSize = 64, LearningRate = 5e-3 }, "wide first layer (shared input)"),
        new("denoise-mlp", new() { Architecture = "denoise-mlp", BatchSize = 20, LearningRate = 0.01 }, "one GEMM, clean and noise rows stacked (one seed: shared noise)"),
        new("denoise-mlp", new() { Architecture = "denoise-mlp", BatchSize = 100, LearningRate = 0.01 }, "one GEMM, clean and noise rows stacked (one seed: shared noise)"),
        new("denoise-mlp", new() { Architecture = "denoise-mlp", BatchSize = 20, LearningRate = 0.01, Shuffle = false }, "bmm first layer (own seeds: own noise)"),
    ];
}
