using System.Text.Json;
using AeGrid.Client.Cli;
using AeGrid.Client.Tests.Support;
using Xunit.Abstractions;

namespace AeGrid.Client.Tests.Report;

/// <summary>
/// `aegrid report SWEEP` end to end: real sweeps run by `aegrid run` on the 300-image fixture (a local silo in this
/// process, a real SQLite store), the report written, and the page opened in headless Chromium: it loads with no
/// errors or console messages, and every picture is there with its size. Screenshots go to TestResults/.
/// </summary>
public sealed class SweepReportTests(ITestOutputHelper output) : IDisposable
{
    readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_quick_example_gets_a_page_with_every_chart_and_the_best_model_of_each_architecture()
    {
        // examples/quick.yaml as shipped, on the fixture's 300 images instead of 2,000 Fashion-MNIST ones.
        var quick = File.ReadAllText(RepoFiles.Path("examples", "quick.yaml"));
        var spec = quick.Replace("dataset: fashion-mnist", $"dataset: {Fixtures.FashionMnist300}").Replace("limit: 2000", "limit: 300");
        Assert.Contains(Fixtures.FashionMnist300, spec);
        Assert.Contains("limit: 300", spec);
        var id = await RunSweepAsync("quick", spec);

        var (manifest, html) = await ReportAsync(id);

        Assert.Equal("completed", manifest.GetProperty("state").GetString());
        var trials = manifest.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(8, trials.Count);
        Assert.All(trials, t => Assert.Equal((1, 0), (t.GetProperty("attempts").GetInt32(), t.GetProperty("epochs_redone").GetInt32())));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], trials.Select(t => t.GetProperty("rank").GetInt32()));
        Assert.Equal(["seed"], Strings(manifest.GetProperty("varying_hyperparameters")));
        Assert.Equal(["learning-curves.png", "metric-vs-architecture.png", "trial-states.png", "attempts.png"],
            Strings(manifest.GetProperty("pictures"), "file"));
        var models = manifest.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["conv-denoise", "deep-mlp", "denoise-mlp", "linear"], models.Select(m => m.GetProperty("architecture").GetString()));
        Assert.All(models, m => Assert.False(m.TryGetProperty("missing", out _), m.ToString()));
        // keep_best: 2 keeps two models; an architecture whose best trial was not kept is drawn from its last checkpoint.
        var sources = models.Select(m => m.GetProperty("source").GetString()).ToList();
        Assert.Contains("kept model", sources);
        Assert.All(sources, source => Assert.True(source is "kept model" or "checkpoint after 2 epoch(s)", source));
        var denoiser = models.Single(m => m.GetProperty("architecture").GetString() == "denoise-mlp");
        Assert.Contains(Strings(denoiser.GetProperty("pictures"), "file"), f => f.EndsWith("-denoising.png", StringComparison.Ordinal));
        Assert.Contains(Strings(models.Single(m => m.GetProperty("architecture").GetString() == "deep-mlp").GetProperty("pictures"), "file"),
            f => f.EndsWith("-latent.png", StringComparison.Ordinal));

        await AssertOpensCleanlyAsync(html, manifest, "sweep-report-quick.png");
    }

    [Fact]
    public async Task A_cluster_mlp_search_gets_a_chart_per_varied_hyperparameter_and_its_clustering_scores()
    {
        var search = File.ReadAllText(RepoFiles.Path("examples", "cluster-mlp-search.yaml"));
        var spec = search.Replace("dataset: mnist", $"dataset: {Fixtures.FashionMnist300}").Replace("epochs: 20", "epochs: 2");
        Assert.Contains("epochs: 2\n", spec);
        var id = await RunSweepAsync("cluster", spec);

        var (manifest, html) = await ReportAsync(id);

        Assert.Equal("nmi", manifest.GetProperty("metric").GetString());
        Assert.Equal(["encoding_dim", "lr"], Strings(manifest.GetProperty("varying_hyperparameters")));
        Assert.Equal(["learning-curves.png", "metric-vs-encoding-dim.png", "metric-vs-lr.png", "trial-states.png", "attempts.png"],
            Strings(manifest.GetProperty("pictures"), "file"));
        var model = Assert.Single(manifest.GetProperty("models").EnumerateArray());
        Assert.Equal("cluster-mlp", model.GetProperty("architecture").GetString());
        var clustering = model.GetProperty("clustering");
        Assert.InRange(clustering.GetProperty("nmi").GetDouble(), 0, 1);
        Assert.Contains(Strings(model.GetProperty("pictures"), "file"), f => f.EndsWith("-clusters.png", StringComparison.Ordinal));

        await AssertOpensCleanlyAsync(html, manifest, "sweep-report-cluster-mlp.png");
    }

    [Fact]
    public async Task A_sweep_still_running_gets_a_report_of_where_it_stands()
    {
        var store = _temp.Combine("live.db");
        var (id, trials) = await StoreSweeps.RunningAsync(store, epochs: 3);

        var (manifest, html) = await ReportAsync(id, store);

        Assert.Equal("running", manifest.GetProperty("state").GetString());
        Assert.Equal(["learning-curves.png", "metric-vs-lr.png", "trial-states.png", "attempts.png"],
            Strings(manifest.GetProperty("pictures"), "file"));
        var model = Assert.Single(manifest.GetProperty("models").EnumerateArray());
        Assert.Equal(trials[0], model.GetProperty("trial_id").GetString());
        Assert.Equal("no kept model or checkpoint stored yet", model.GetProperty("missing").GetString());
        var page = File.ReadAllText(html);
        Assert.Contains("still running", page);
        Assert.Contains(trials[1], page); // the pending trial is listed too

        await AssertOpensCleanlyAsync(html, manifest, "sweep-report-running.png");
    }

    [Fact]
    public async Task An_unknown_sweep_is_one_line_with_exit_code_2()
    {
        var store = _temp.Combine("empty.db");
        var run = await Aegrid.RunAsync("report", "nope-123456", "--store", store);

        Assert.True(run.ExitCode == ExitCodes.InvalidInput, run.ToString());
        Assert.Contains("nope-123456", Assert.Single(run.StderrLines));
    }

    async Task<string> RunSweepAsync(string name, string spec)
    {
        var file = _temp.Combine(name + ".yaml");
        File.WriteAllText(file, spec);
        var started = DateTime.UtcNow;
        var run = await Aegrid.RunAsync("run", file, "--store", _temp.Combine("store.db"), "--threads", "1", "--json");
        output.WriteLine($"aegrid run {name}: {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        return result.RootElement.GetProperty("id").GetString()!;
    }

    async Task<(JsonElement Manifest, string Html)> ReportAsync(string id, string? store = null)
    {
        var directory = _temp.Combine("report-" + id);
        var started = DateTime.UtcNow;
        var run = await Aegrid.RunAsync("report", id, "--store", store ?? _temp.Combine("store.db"), "--out", directory, "--json");
        output.WriteLine($"aegrid report {id}: {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var html = Path.Combine(directory, "report.html");
        Assert.True(File.Exists(html), run.ToString());
        return (json.RootElement.Clone(), html);
    }

    /// <summary>
    /// The page on its own (nothing fetched from anywhere) in a real browser: no errors, and one loaded, non-empty image
    /// per picture in report.json, at the size report.json gives.
    /// </summary>
    async Task AssertOpensCleanlyAsync(string html, JsonElement manifest, string screenshot)
    {
        var page = File.ReadAllText(html);
        Assert.DoesNotContain("<script", page);
        Assert.DoesNotContain("<link", page);
        Assert.DoesNotContain("src=\"http", page);

        var check = await HeadlessChromium.CheckAsync(html);
        Assert.Empty(check.Errors);
        var expected = manifest.GetProperty("pictures").EnumerateArray()
            .Concat(manifest.GetProperty("models").EnumerateArray().SelectMany(m => m.GetProperty("pictures").EnumerateArray()))
            .Select(p => (p.GetProperty("width").GetInt32(), p.GetProperty("height").GetInt32())).ToList();
        Assert.Equal(expected.Count, check.Images.Count);
        Assert.All(check.Images, image => Assert.True(image.Complete && image.NaturalWidth > 0 && image.NaturalHeight > 0, $"image '{image.Alt}' did not load"));
        Assert.Equal(expected, check.Images.Select(i => (i.NaturalWidth, i.NaturalHeight)));

        var shot = RepoFiles.Artifact(screenshot);
        await HeadlessChromium.ScreenshotAsync(html, shot);
        output.WriteLine($"screenshot: {shot}");
    }

    static List<string> Strings(JsonElement array, string? property = null) =>
        array.EnumerateArray().Select(e => (property is null ? e : e.GetProperty(property)).GetString()!).ToList();
}
