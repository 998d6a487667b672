using System.Globalization;

namespace AeGrid.TrainingBenchmark;

/// <summary>The command line: which recipes, batch sizes and thread counts, how many alternating runs, where things are.</summary>
internal sealed record BenchmarkOptions
{
    public IReadOnlyList<string> Recipes { get; init; } = Recipe.All.Select(r => r.Name).ToList();
    /// <summary>"tutorial" means the recipe's own batch size.</summary>
    public IReadOnlyList<string> Batches { get; init; } = ["tutorial", "256"];
    public IReadOnlyList<int> Threads { get; init; } = [1, 2];
    public int Runs { get; init; } = 3;
    public int Epochs { get; init; } = 2;
    /// <summary>Multiplies each recipe's image count (0.5 for a quick look).</summary>
    public double Scale { get; init; } = 1;
    public string Data { get; init; } = "fashion-mnist";
    public string Python { get; init; } = "/usr/bin/python3";
    public string OpenBlas { get; init; } = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
    /// <summary>Another build of this benchmark (its dll) whose AeGrid is measured too, as "before", in the same rounds.</summary>
    public string? Baseline { get; init; }
    public int GemmSize { get; init; } = 1024;
    /// <summary>Seconds one measurement may run before it is killed and left out.</summary>
    public int LimitSeconds { get; init; } = 180;
    /// <summary>Recipes for the slots × threads comparison (none: skip it).</summary>
    public IReadOnlyList<string> SlotRecipes { get; init; } = ["conv-denoise", "deep-mlp"];
    public string? Output { get; init; }

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]}: needs a value");
            int Int(string text) => int.TryParse(text, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v : throw new ArgumentException($"{args[i - 1]}: expected a positive integer, got '{text}'");
            options = args[i] switch
            {
                "--recipes" => options with { Recipes = CheckRecipes(Value().Split(',')) },
                "--batches" => options with { Batches = Value().Split(',') },
                "--threads" => options with { Threads = Value().Split(',').Select(Int).ToList() },
                "--runs" => options with { Runs = Int(Value()) },
                "--epochs" => options with { Epochs = Int(Value()) },
                "--scale" => options with { Scale = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--data" => options with { Data = Value() },
                "--python" => options with { Python = Value() },
                "--openblas" => options with { OpenBlas = Value() },
                "--baseline" => options with { Baseline = Path.GetFullPath(Value()) },
                "--slot-recipes" => options with { SlotRecipes = Value() is "none" ? [] : CheckRecipes(args[i].Split(',')) },
                "--limit-seconds" => options with { LimitSeconds = Int(Value()) },
                "--gemm-size" => options with { GemmSize = Int(Value()) },
                "--output" => options with { Output = Value() },
                _ => throw new ArgumentException($"unknown option '{args[i]}' (see benchmarks/README.md, section Training)"),
            };
        }
        return options;
    }

    static IReadOnlyList<string> CheckRecipes(string[] names)
    {
        foreach (var name in names)
            if (Recipe.All.All(r => r.Name != name))
                throw new ArgumentException($"--recipes: unknown recipe '{name}'; known: {string.Join(", ", Recipe.All.Select(r => r.Name))}");
        return names;
    }
}
