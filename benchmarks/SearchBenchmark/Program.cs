using System.Diagnostics;
using AeGrid.SearchBenchmark;

// The search benchmark: grid, random, random+ASHA, TPE+ASHA, PBT and Optuna's TPE on one denoising space, equal epoch
// budgets, 3 seeds each; see benchmarks/README.md.
SearchOptions options;
try
{
    if (args is ["--help"] or ["-h"])
    {
        Console.WriteLine(SearchOptions.Usage);
        return 0;
    }
    options = SearchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"search benchmark: {e.Message}\n\n{SearchOptions.Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // kill the running sweep or study and report the runs that finished
    cancel.Cancel();
};

var startedAt = DateTimeOffset.UtcNow;
var loadAtStart = SearchReport.LoadAverage();
var clock = Stopwatch.StartNew();
var workDirectory = Directory.CreateTempSubdirectory($"aegrid-search-{startedAt:yyyyMMdd-HHmmss}-").FullName;
Console.WriteLine($"aegrid: {BenchmarkPaths.AegridDll}\nsweep files, stores and logs: {workDirectory}");
Console.WriteLine($"methods {string.Join(",", options.Methods.Select(m => m.Name))}, {options.Seeds} seed(s), " +
                  $"budget {options.BudgetEpochs} epochs per run ({DenoisingSpace.GridSize} trials x {options.Epochs} epochs, {options.Limit} images)");

var sweeps = new SweepRun(options, workDirectory);
var optuna = new OptunaRun(options, workDirectory);
var runs = new List<RunRecord>();
try
{
    foreach (var method in options.Methods)
    {
        for (var seed = 1; seed <= options.Seeds; seed++)
        {
            var run = method.IsOptuna
                ? await optuna.RunAsync(seed, cancel.Token)
                : await sweeps.RunAsync(method, seed, cancel.Token);
            runs.Add(run);
            if (!run.Ran)
            {
                // The same file is refused for every seed: say it once and move on.
                Console.WriteLine($"{method.Name}: skipped: {run.Skipped}");
                break;
            }
            Console.WriteLine($"{method.Name} seed {seed}: best test MSE {RunFigures.Best(run):0.00000}, " +
                              $"{run.Epochs.Sum(e => e.EpochsTrained)} epochs, {run.Wall.TotalSeconds:0} s" +
                              (run.Problem is { } problem ? $" ({problem})" : ""));
        }
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted: reporting the runs that finished");
}

if (!runs.Any(r => r.Ran))
{
    Console.Error.WriteLine("search benchmark: no method ran; nothing to report");
    return 1;
}
var figures = MethodFigures.Of(options.Methods, runs);
Console.WriteLine();
SearchReport.Print(figures, Console.Out);

var output = options.Output ?? UnusedPath(Path.Combine(BenchmarkPaths.RepositoryRoot, "benchmarks", "results", $"search-{startedAt:yyyy-MM-dd}.md"));
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
var commandLine = "dotnet run -c Release --project benchmarks/SearchBenchmark --" + (args.Length == 0 ? "" : " " + string.Join(' ', args));
await File.WriteAllTextAsync(output, SearchReport.Markdown(figures, options, commandLine, startedAt, clock.Elapsed, loadAtStart));
Console.WriteLine($"\nwrote {output} ({clock.Elapsed.TotalMinutes:0.0} min)");
return runs.Any(r => r.Problem is not null) ? 1 : 0;

// A second run on the same day keeps the first one's results.
static string UnusedPath(string path)
{
    var stem = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path));
    for (var n = 2; File.Exists(path); n++) path = $"{stem}-{n}.md";
    return path;
}
