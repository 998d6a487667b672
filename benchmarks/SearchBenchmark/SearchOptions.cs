using System.Globalization;

namespace AeGrid.SearchBenchmark;

/// <summary>What one benchmark run compares. Parsed from the command line; bad values name the option and the value.</summary>
public sealed record SearchOptions
{
    /// <summary>The methods, in the order they run and are reported.</summary>
    public IReadOnlyList<SearchMethod> Methods { get; init; } = SearchMethod.All;
    /// <summary>Runs per method: sampler and training seeds 1…N.</summary>
    public int Seeds { get; init; } = 3;
    /// <summary>Fashion-MNIST training images per trial (the test split stays whole: 10,000 images).</summary>
    public int Limit { get; init; } = 2000;
    /// <summary>Epochs of a trial that is never pruned; with the grid's size it sets every method's budget.</summary>
    public int Epochs { get; init; } = 9;
    /// <summary>Trainings at once (aegrid run --slots; Optuna's n_jobs).</summary>
    public int Slots { get; init; } = 2;
    /// <summary>A run still going after this long is stopped and reported as it stands.</summary>
    public TimeSpan TimeoutPerRun { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>The markdown results file; null: benchmarks/results/search-DATE.md.</summary>
    public string? Output { get; init; }
    public bool Quick { get; init; }

    /// <summary>Every method's budget in epochs: the grid's points, each trained for <see cref="Epochs"/>.</summary>
    public int BudgetEpochs => DenoisingSpace.GridSize * Epochs;

    /// <summary>Trials of the sampling methods (and PBT's population): the budget spent without pruning.</summary>
    public int Trials => DenoisingSpace.GridSize;

    public const string Usage = """
        Usage: dotnet run -c Release --project benchmarks/SearchBenchmark -- [options]

          --methods LIST        comma-separated, run and reported in this order
                                (default grid,random,asha,tpe-asha,pbt,optuna-tpe)
          --seeds N             runs per method, seeds 1..N (default 3)
          --limit N             Fashion-MNIST training images per trial (default 2000)
          --epochs N            epochs of an unpruned trial (default 9); budget = 32 grid points x N epochs
          --slots N             trainings at once (default 2)
          --timeout-minutes M   stop a run that takes longer and report it as it stands (default 15)
          --output FILE         results markdown (default benchmarks/results/search-DATE.md)
          --quick               a check that it all works in a few minutes: --seeds 1 --limit 1000 --epochs 3
        """;

    /// <summary>Parses the arguments; <see cref="ArgumentException"/> names the option and value that are wrong.</summary>
    public static SearchOptions Parse(IReadOnlyList<string> args)
    {
        // --quick first, so explicit options given with it still win.
        var options = args.Contains("--quick") ? new SearchOptions { Quick = true, Seeds = 1, Limit = 1000, Epochs = 3 } : new SearchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--quick" => options,
                "--methods" => options with { Methods = SearchMethod.ParseList(name, Value()) },
                "--seeds" => options with { Seeds = Positive(name, Value(), max: 20) },
                "--limit" => options with { Limit = Positive(name, Value(), max: 60_000) },
                "--epochs" => options with { Epochs = Positive(name, Value(), max: 1000) },
                "--slots" => options with { Slots = Positive(name, Value(), max: 64) },
                "--timeout-minutes" => options with { TimeoutPerRun = TimeSpan.FromMinutes(Positive(name, Value(), max: 24 * 60)) },
                "--output" => options with { Output = Value() },
                _ => throw new ArgumentException($"unknown option '{name}'"),
            };
        }
        var largestBatch = DenoisingSpace.BatchSizes.Max();
        if (options.Limit < largestBatch)
            throw new ArgumentException($"--limit {options.Limit} is smaller than the space's largest batch size ({largestBatch})");
        return options;
    }

    static int Positive(string name, string text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= max
            ? value
            : throw new ArgumentException($"{name} must be a whole number from 1 to {max}, got '{text}'");
}
