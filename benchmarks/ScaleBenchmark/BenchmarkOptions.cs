using System.Globalization;

namespace AeGrid.ScaleBenchmark;

/// <summary>What one benchmark run measures. Parsed from the command line; bad values name the option and the value.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>Sweep sizes to measure, smallest first: one sweep of each size per cluster size.</summary>
    public IReadOnlyList<int> TrialCounts { get; init; } = [500];
    /// <summary>Cluster sizes to measure, one configuration each, in order.</summary>
    public IReadOnlyList<int> SiloCounts { get; init; } = [1, 2, 3];
    /// <summary>Training images per trial (the sweep's limit).</summary>
    public int Limit { get; init; } = 200;
    public int Epochs { get; init; } = 1;
    public int BatchSize { get; init; } = 50;
    /// <summary>A configuration still running after this long is stopped and reported as incomplete.</summary>
    public TimeSpan TimeoutPerConfiguration { get; init; } = TimeSpan.FromMinutes(60);
    /// <summary>The markdown results file; null: benchmarks/results/scale-DATE.md.</summary>
    public string? Output { get; init; }

    public const string Usage = """
        Usage: dotnet run -c Release --project benchmarks/ScaleBenchmark -- [options]

          --trials 500,5000     sweep sizes to measure, one sweep each (default 500)
          --silos 1,2,3         cluster sizes to measure (default 1,2,3); each silo has 1 slot and 1 torch thread
          --limit N             training images per trial (default 200)
          --epochs N            epochs per trial (default 1)
          --batch-size N        batch size (default 50)
          --timeout-minutes M   stop a configuration that runs longer (default 60)
          --output FILE         results markdown (default benchmarks/results/scale-DATE.md)
        """;

    /// <summary>Parses the arguments; <see cref="ArgumentException"/> names the option and value that are wrong.</summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--trials" => options with { TrialCounts = PositiveList(name, Value()) },
                "--silos" => options with { SiloCounts = SiloList(name, Value()) },
                "--limit" => options with { Limit = Positive(name, Value()) },
                "--epochs" => options with { Epochs = Positive(name, Value()) },
                "--batch-size" => options with { BatchSize = Positive(name, Value()) },
                "--timeout-minutes" => options with { TimeoutPerConfiguration = TimeSpan.FromMinutes(Positive(name, Value())) },
                "--output" => options with { Output = Value() },
                _ => throw new ArgumentException($"unknown option '{name}'"),
            };
        }
        if (options.BatchSize > options.Limit)
            throw new ArgumentException($"--batch-size {options.BatchSize} is larger than --limit {options.Limit}: every trial would train on one short batch");
        return options;
    }

    static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} must be a positive whole number, got '{text}'");

    static IReadOnlyList<int> PositiveList(string name, string text)
    {
        var values = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(part => Positive(name, part)).ToList();
        return values.Count > 0 ? values : throw new ArgumentException($"{name} needs at least one number, got '{text}'");
    }

    static IReadOnlyList<int> SiloList(string name, string text)
    {
        var counts = PositiveList(name, text);
        if (counts.Any(c => c > 16)) throw new ArgumentException($"{name}: at most 16 silos on one machine, got '{text}'");
        return counts;
    }
}
