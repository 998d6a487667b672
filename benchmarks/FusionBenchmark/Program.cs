using System.Globalization;
using AeGrid.FusionBenchmark;

// Fused vs one-at-a-time training throughput, in member-samples per second, on one intra-op thread.
// Usage: dotnet run -c Release --project benchmarks/FusionBenchmark -- [--rounds 3] [--images 1200] [--packs 2,4,8,16] [--output FILE]
var options = FusionOptions.Parse(args);
if (options is null) return 2;
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Console.WriteLine($"fusion benchmark: {options.Rounds} rounds, {options.Images} training images, K = {string.Join(", ", options.PackSizes)}, 1 thread");
var rows = new List<FusionRow>();
foreach (var recipe in Recipes.All)
{
    var row = FusionMeasurement.Measure(recipe, options);
    rows.Add(row);
    Console.WriteLine(FusionReport.Line(row, options.PackSizes));
}
var path = options.Output ?? FusionReport.DefaultPath();
File.WriteAllText(path, FusionReport.Markdown(rows, options, string.Join(" ", Environment.GetCommandLineArgs().Skip(1))));
Console.WriteLine($"written to {path}");
return 0;
