using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AeGrid.Models.Data;

namespace AeGrid.TrainingBenchmark;

/// <summary>One measured case: a recipe at a batch size and a thread count.</summary>
internal sealed record Case(Recipe Recipe, int Batch, int Threads);

/// <summary>What each side measured for one case, over the runs.</summary>
internal sealed class CaseResults
{
    public Dictionary<string, List<double>> Rates { get; } = [];
    public Dictionary<string, List<double[]>> Rss { get; } = [];

    public void Add(string side, Measurement m)
    {
        (Rates.TryGetValue(side, out var r) ? r : Rates[side] = []).Add(m.SamplesPerSecond);
        (Rss.TryGetValue(side, out var s) ? s : Rss[side] = []).Add(m.RssMegabytes);
    }
}

internal sealed record Measurement(double SamplesPerSecond, double[] RssMegabytes);

/// <summary>
/// Runs every case on every side (AeGrid, optionally a baseline AeGrid build, PyTorch), each measurement in its own
/// process, the sides alternating in turn within each round; then prints and writes the medians.
/// </summary>
internal sealed class TrainingRun(BenchmarkOptions options)
{
    public const string AeGrid = "aegrid", Before = "before", PyTorch = "pytorch";

    readonly string self = typeof(TrainingRun).Assembly.Location;
    readonly string script = Path.Combine(AppContext.BaseDirectory, "pytorch_recipes.py");

    public async Task<int> RunAsync()
    {
        string data = DatasetCatalog.Resolve(options.Data);
        LimitSeconds = options.LimitSeconds;
        var cases = (from name in options.Recipes
                     let recipe = Recipe.All.Single(r => r.Name == name)
                     from batchText in options.Batches
                     let batch = batchText == "tutorial" ? recipe.TutorialBatch : int.Parse(batchText, CultureInfo.InvariantCulture)
                     from threads in options.Threads
                     select new Case(recipe, batch, threads)).Distinct().ToList();
        var sides = new List<string> { AeGrid };
        if (options.Baseline is not null) sides.Add(Before);
        sides.Add(PyTorch);
        var results = cases.ToDictionary(c => c, _ => new CaseResults());
        var gemm = options.Threads.ToDictionary(t => t, _ => new List<double>());
        var started = DateTime.UtcNow;
        Console.WriteLine($"data {data}; {cases.Count} cases × {sides.Count} sides × {options.Runs} runs");
        for (int run = 1; run <= options.Runs; run++)
        {
            foreach (var threads in options.Threads)
                gemm[threads].Add(JsonNumber(await RunAsync("dotnet", [self, "worker", "gemm", Text(threads), Text(options.GemmSize)], null), "flops_per_s"));
            var order = run % 2 == 1 ? sides : Enumerable.Reverse(sides).ToList();
            foreach (var c in cases)
            {
                int images = Math.Max(c.Batch * 4, (int)(c.Recipe.Images * options.Scale));
                foreach (var side in order)
                {
                    Measurement m;
                    try { m = await MeasureAsync(side, c, data, images); }
                    catch (TimeoutException e)
                    {
                        Console.WriteLine(e.Message);
                        m = new(double.NaN, []);
                    }
                    results[c].Add(side, m);
                    Console.WriteLine($"run {run} {c.Recipe.Name,-12} batch {c.Batch,3} threads {c.Threads} {side,-7} {m.SamplesPerSecond,9:F0} samples/s  rss {string.Join("→", m.RssMegabytes)} MB");
                }
            }
        }
        var slots = await new SlotCheck(options, self, data).RunAsync();
        var report = new TrainingReport(options, cases, sides, results, gemm.ToDictionary(g => g.Key, g => Median(g.Value)), slots, started);
        Console.WriteLine();
        Console.WriteLine(report.Table());
        var output = options.Output ?? Path.Combine(RepositoryRoot(), "benchmarks", "results", $"training-{started:yyyy-MM-dd}.md");
        if (options.Output is null) for (int n = 2; File.Exists(output); n++) output = Path.Combine(Path.GetDirectoryName(output)!, $"training-{started:yyyy-MM-dd}-{n}.md");
        await File.WriteAllTextAsync(output, report.Markdown(Environment.CommandLine));
        Console.WriteLine($"written to {output}");
        return 0;
    }

    async Task<Measurement> MeasureAsync(string side, Case c, string data, int images)
    {
        string json = side == PyTorch
            ? await RunAsync(options.Python, [script, "--data", data, "--recipe", c.Recipe.Name, "--batch", Text(c.Batch),
                "--threads", Text(c.Threads), "--images", Text(images), "--epochs", Text(options.Epochs)],
                new() { ["LD_LIBRARY_PATH"] = options.OpenBlas })
            : await RunAsync("dotnet", [side == Before ? options.Baseline! : self, "worker", "train", data, c.Recipe.Name,
                Text(c.Batch), Text(c.Threads), Text(images), Text(options.Epochs)], null);
        using var doc = JsonDocument.Parse(json);
        return new(doc.RootElement.GetProperty("samples_per_s").GetDouble(),
            doc.RootElement.GetProperty("rss_mb").EnumerateArray().Select(e => e.GetDouble()).ToArray());
    }

    /// <summary>Seconds one measurement may take: 2 spinning threads on a crowded machine can crawl.</summary>
    public static int LimitSeconds { get; set; } = 180;

    /// <summary>One child process's JSON line. A run past <see cref="LimitSeconds"/> is killed and fails.</summary>
    public static async Task<string> RunAsync(string program, string[] arguments, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? []) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(LimitSeconds));
        try { await process.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)}: still running after {LimitSeconds} s, killed");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
    }

    static double JsonNumber(string json, string name)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty(name).GetDouble();
    }

    /// <summary>The median of the runs that finished (NaN when none did).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AeGrid.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
