using AeGrid.ScaleBenchmark;
using AeGrid.TestSupport;

// The scale benchmark: a sweep of many tiny trials on 1, 2, 3 … real silo processes; see benchmarks/README.md.
BenchmarkOptions options;
try
{
    if (args is ["--help"] or ["-h"])
    {
        Console.WriteLine(BenchmarkOptions.Usage);
        return 0;
    }
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"scale benchmark: {e.Message}\n\n{BenchmarkOptions.Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop the silos and PostgreSQL cleanly rather than leave them running
    cancel.Cancel();
};

var startedAt = DateTimeOffset.UtcNow;
var logDirectory = Directory.CreateTempSubdirectory($"aegrid-scale-{startedAt:yyyyMMdd-HHmmss}-").FullName;
Console.WriteLine($"aegrid: {AegridCli.DllPath}\nlogs: {logDirectory}");

var outcomes = new List<ScaleRun.Outcome>();
await using (var server = new PostgresServer())
{
    await server.InitializeAsync();
    Console.WriteLine($"PostgreSQL on 127.0.0.1:{server.Port}");
    var run = new ScaleRun(server, options, logDirectory);
    foreach (var (silos, trials) in options.SiloCounts.SelectMany(s => options.TrialCounts.Select(t => (s, t))))
    {
        if (cancel.IsCancellationRequested) break;
        Console.WriteLine($"\n{silos} silo(s), {trials} trials");
        try
        {
            outcomes.Add(await run.RunAsync(silos, trials, cancel.Token));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted: reporting the configurations that finished");
            break;
        }
        ResultsReport.Print(outcomes);
    }
}

if (outcomes.Count == 0) return 1;
Console.WriteLine();
ResultsReport.Print(outcomes);

var output = options.Output ?? UnusedPath(Path.Combine(ScaleSweep.RepositoryRoot, "benchmarks", "results", $"scale-{startedAt:yyyy-MM-dd}.md"));
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
var commandLine = "dotnet run -c Release --project benchmarks/ScaleBenchmark --" + (args.Length == 0 ? "" : " " + string.Join(' ', args));
await File.WriteAllTextAsync(output, ResultsReport.Markdown(outcomes, options,
    ScaleSweep.Yaml("scale-N-silos-T", options.TrialCounts[^1], options, "tests/fixtures/mnist-small"), commandLine, startedAt));
Console.WriteLine($"\nwrote {output}");
return outcomes.Any(o => o.TimedOut) ? 1 : 0;

// A second run on the same day keeps the first one's results.
static string UnusedPath(string path)
{
    var stem = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path));
    for (var n = 2; File.Exists(path); n++) path = $"{stem}-{n}.md";
    return path;
}
