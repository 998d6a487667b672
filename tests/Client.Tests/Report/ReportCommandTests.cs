using System.Text.Json;
using System.Text.Json.Nodes;
using AeGrid.Client.Cli;
using AeGrid.Client.Tests.Support;
using AeGrid.Grains.Sweeps;
using AeGrid.Models.Training;

namespace AeGrid.Client.Tests.Report;

/// <summary>
/// `aegrid report` end to end: real `aegrid train --out` runs on the 300-image fixture (one epoch, about a second
/// each), then the report read back from disk: files, report.json, picture sizes and the errors users will meet.
/// </summary>
public sealed class ReportCommandTests(ReportCommandTests.LinearRun linear) : IDisposable, IClassFixture<ReportCommandTests.LinearRun>
{
    /// <summary>One linear model (2-D code) trained for the whole class: the error tests only need some training run.</summary>
    public sealed class LinearRun : IAsyncLifetime
    {
        readonly TemporaryDirectory _temp = new();

        public string Directory => _temp.Combine("linear");

        public async Task InitializeAsync() => await Train(Directory, "--arch", "linear", "--encoding-dim", "2");

        public Task DisposeAsync()
        {
            _temp.Dispose();
            return Task.CompletedTask;
        }
    }

    // Default --scale 2 and 2-pixel gaps: ten 28×28 images per row are 10·56 + 11·2 pixels wide.
    const int GridWidth = 10 * 56 + 11 * 2;
    static int GridHeight(int rows) => rows * 56 + (rows + 1) * 2;

    readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    async Task<string> TrainAsync(string name, params string[] args)
    {
        var directory = _temp.Combine(name);
        await Train(directory, args);
        return directory;
    }

    static async Task Train(string directory, params string[] args)
    {
        var run = await Aegrid.RunAsync(["train", "--dataset", Fixtures.FashionMnist300, "--epochs", "1", "--batch-size", "50",
            .. args, "--out", directory, "--json"]);
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
    }

    static async Task<(CliOutcome Run, JsonElement Manifest)> ReportAsync(params string[] args)
    {
        var run = await Aegrid.RunAsync(["report", .. args, "--json"]);
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        return (run, json.RootElement.Clone());
    }

    /// <summary>Every picture report.json lists exists, is a valid PNG of the size it says, and the list of files is complete.</summary>
    static void AssertFilesMatchManifest(string directory, JsonElement manifest)
    {
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "report.json")));
        Assert.Equal(manifest.GetProperty("files").GetRawText(), written.RootElement.GetProperty("files").GetRawText());
        var files = manifest.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(files.Order(), Directory.GetFiles(directory).Select(Path.GetFileName).Order());
        foreach (var picture in manifest.GetProperty("pictures").EnumerateArray())
        {
            var file = picture.GetProperty("file").GetString()!;
            Assert.Contains(file, files);
            var png = PngFile.Read(Path.Combine(directory, file));
            Assert.Equal((picture.GetProperty("width").GetInt32(), picture.GetProperty("height").GetInt32()), (png.Width, png.Height));
        }
        var html = File.ReadAllText(Path.Combine(directory, "report.html"));
        Assert.Equal(manifest.GetProperty("pictures").GetArrayLength(), html.Split("src=\"data:image/png;base64,").Length - 1);
    }

    static List<string> PictureFiles(JsonElement manifest) =>
        manifest.GetProperty("pictures").EnumerateArray().Select(p => p.GetProperty("file").GetString()!).ToList();

    static (int Width, int Height) SizeOf(string directory, string file)
    {
        var png = PngFile.Read(Path.Combine(directory, file));
        return (png.Width, png.Height);
    }

    [Fact]
    public async Task A_deep_mlp_training_run_gets_reconstructions_a_3d_latent_plot_html_and_json()
    {
        var trained = await TrainAsync("deep", "--arch", "deep-mlp");
        var report = _temp.Combine("deep-report");

        var (_, manifest) = await ReportAsync("--train-dir", trained, "--out", report);

        Assert.Equal(["reconstructions.png", "latent.png"], PictureFiles(manifest));
        Assert.Equal(["reconstructions.png", "latent.png", "report.html", "report.json"],
            manifest.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        AssertFilesMatchManifest(report, manifest);
        Assert.Equal((GridWidth, GridHeight(2)), SizeOf(report, "reconstructions.png"));
        Assert.Equal((3 * 440 + 170, 420), SizeOf(report, "latent.png")); // three pair plots and the legend
        Assert.Equal(3, PngFile.Read(Path.Combine(report, "latent.png")).Channels);
        Assert.Equal(100, manifest.GetProperty("test_images").GetInt32());
        Assert.Equal(3, manifest.GetProperty("hyperparameters").GetProperty("encoding_dim").GetInt32());

        // The metrics are those training stored.
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(trained, "metrics.json")));
        Assert.Equal(metrics.RootElement.GetProperty("test_mse").GetDouble(), manifest.GetProperty("metrics").GetProperty("test_mse").GetDouble());
        Assert.Equal(1, manifest.GetProperty("metrics").GetProperty("epochs").GetInt32());
        var html = File.ReadAllText(Path.Combine(report, "report.html"));
        Assert.Contains("<th>hidden_sizes</th><td>128,64,12</td>", html);
        Assert.Contains("<th>test_mse</th>", html);
    }

    [Fact]
    public async Task The_top_row_of_the_reconstruction_grid_is_the_first_test_images_and_a_2d_code_gets_one_scatter_plot()
    {
        var report = _temp.Combine("linear-report");

        var (_, manifest) = await ReportAsync("--train-dir", linear.Directory, "--out", report, "--scale", "1");

        Assert.Equal(["reconstructions.png", "latent.png"], PictureFiles(manifest));
        Assert.Equal((440 + 170, 420), SizeOf(report, "latent.png"));
        var png = PngFile.Read(Path.Combine(report, "reconstructions.png"));
        Assert.Equal((10 * 28 + 11 * 2, 2 * 28 + 3 * 2), (png.Width, png.Height));
        var test = AeGrid.Models.Data.DatasetCatalog.Load(Fixtures.FashionMnist300).Test;
        // Image 3 of the first row starts at x = 2 + 3·(28 + 2), y = 2.
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                Assert.Equal((byte)MathF.Round(test.Pixels[3 * 784 + y * 28 + x] * 255f), png.Gray(2 + 3 * 30 + x, 2 + y));
    }

    [Fact]
    public async Task A_denoiser_gets_a_three_row_denoising_picture_and_no_latent_plot()
    {
        var trained = await TrainAsync("denoise", "--arch", "denoise-mlp", "--hidden-sizes", "64,32");
        var report = _temp.Combine("denoise-report");

        var (_, manifest) = await ReportAsync("--train-dir", trained, "--out", report);

        Assert.Equal(["reconstructions.png", "denoising.png"], PictureFiles(manifest));
        AssertFilesMatchManifest(report, manifest);
        Assert.Equal((GridWidth, GridHeight(3)), SizeOf(report, "denoising.png"));
        var denoising = PngFile.Read(Path.Combine(report, "denoising.png"));
        var reconstructions = PngFile.Read(Path.Combine(report, "reconstructions.png"));
        // Row 1 of both is the clean images; the noisy middle row differs from them.
        Assert.Equal(reconstructions.Pixels[..(GridWidth * 58)], denoising.Pixels[..(GridWidth * 58)]);
        Assert.NotEqual(denoising.Pixels[(GridWidth * 58)..(GridWidth * 116)], denoising.Pixels[..(GridWidth * 58)]);
    }

    [Fact]
    public async Task Cluster_mlp_gets_a_cluster_grid_and_scores_against_the_pixel_baseline()
    {
        var trained = await TrainAsync("cluster", "--arch", "cluster-mlp", "--encoding-dim", "16", "--hidden-sizes", "64");
        var report = _temp.Combine("cluster-report");

        var (run, manifest) = await ReportAsync("--train-dir", trained, "--out", report, "--limit", "80");

        Assert.Equal(["reconstructions.png", "clusters.png"], PictureFiles(manifest));
        AssertFilesMatchManifest(report, manifest);
        Assert.Equal(80, manifest.GetProperty("test_images").GetInt32());
        var clustering = manifest.GetProperty("clustering");
        var rows = clustering.GetProperty("rows").GetArrayLength();
        Assert.InRange(rows, 2, 10);
        Assert.Equal(80, clustering.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("size").GetInt32()));
        foreach (var score in new[] { "nmi", "accuracy", "baseline_nmi", "baseline_accuracy" })
            Assert.InRange(clustering.GetProperty(score).GetDouble(), 0, 1);
        Assert.Equal((GridWidth, GridHeight(rows)), SizeOf(report, "clusters.png"));
        Assert.Contains("Clustering", run.Stderr);
    }

    [Fact]
    public async Task An_exported_model_is_read_with_its_json_and_named_after_its_trial()
    {
        var weights = Export(linear.Directory, "best.bin", trialId: "quick-1a2b3c-t0002");
        var report = _temp.Combine("exported-report");

        var (_, manifest) = await ReportAsync("--model", weights, "--out", report);

        Assert.Equal("quick-1a2b3c-t0002", manifest.GetProperty("trial_id").GetString());
        Assert.Equal(["reconstructions.png", "latent.png"], PictureFiles(manifest));
        Assert.Equal(0.031, manifest.GetProperty("metrics").GetProperty("test_mse").GetDouble());
        AssertFilesMatchManifest(report, manifest);
        // The same weights, reached through the checkpoint, draw the same reconstructions.
        var fromCheckpoint = _temp.Combine("checkpoint-report");
        await ReportAsync("--train-dir", linear.Directory, "--out", fromCheckpoint);
        Assert.Equal(PngFile.Read(Path.Combine(fromCheckpoint, "reconstructions.png")).Pixels,
            PngFile.Read(Path.Combine(report, "reconstructions.png")).Pixels);
    }

    [Fact]
    public async Task Missing_json_beside_the_weights_is_one_line_naming_it_with_exit_code_2()
    {
        var weights = Export(linear.Directory, "model.bin", trialId: null);
        File.Delete(weights + ".json");

        var run = await Aegrid.RunAsync("report", "--model", weights, "--out", _temp.Combine("r"));

        AssertRefused(run, weights + ".json: not found");
        Assert.False(Directory.Exists(_temp.Combine("r")));
    }

    [Fact]
    public async Task Weights_that_do_not_fit_the_architecture_are_refused_naming_the_file()
    {
        var weights = Export(linear.Directory, "model.bin", trialId: null);
        var json = JsonNode.Parse(File.ReadAllText(weights + ".json"))!;
        json["hyperparameters"]!["encoding_dim"] = 7;
        File.WriteAllText(weights + ".json", json.ToJsonString());

        var run = await Aegrid.RunAsync("report", "--model", weights, "--out", _temp.Combine("r"));

        AssertRefused(run, $"{weights}: the saved weights do not fit linear encoding_dim=7");
    }

    [Fact]
    public async Task An_unknown_dataset_is_named_with_exit_code_2()
    {
        var run = await Aegrid.RunAsync("report", "--train-dir", linear.Directory, "--dataset", "no-such-set", "--out", _temp.Combine("r"));

        AssertRefused(run, "unknown dataset 'no-such-set'");
    }

    [Fact]
    public async Task A_directory_that_is_not_a_training_run_is_named_with_exit_code_2()
    {
        var empty = _temp.Combine("empty");
        Directory.CreateDirectory(empty);

        var run = await Aegrid.RunAsync("report", "--train-dir", empty);

        AssertRefused(run, $"{Path.Combine(empty, "model.ckpt")}: not found");
    }

    [Theory]
    [InlineData("", "give what to report on: a sweep id, --model FILE")]
    [InlineData("--model a.bin --train-dir d", "--model and --train-dir: give one of them, not both")]
    [InlineData("--model a.bin --scale 0", "--scale: must be between 1 and 16, got 0")]
    [InlineData("--model a.bin --limit 0", "--limit: must be a positive number of test images, got 0")]
    public async Task Bad_usage_is_one_line_with_exit_code_2(string arguments, string expected)
    {
        var run = await Aegrid.RunAsync(["report", .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);

        AssertRefused(run, expected);
    }

    static void AssertRefused(CliOutcome run, string expected)
    {
        Assert.True(run.ExitCode == ExitCodes.InvalidInput, run.ToString());
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
    }

    /// <summary>What `aegrid export` writes for a kept model, made here from a training run's checkpoint.</summary>
    string Export(string trainDirectory, string fileName, string? trialId)
    {
        using var configJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(trainDirectory, "config.json")));
        var config = configJson.RootElement.Deserialize<Hyperparameters>(AeGrid.Client.Output.JsonOutput.Options)!;
        var checkpoint = new Checkpoint(1, 0, File.ReadAllBytes(Path.Combine(trainDirectory, "model.ckpt")));
        var weights = _temp.Combine(fileName);
        ModelFiles.WriteWeights(config, checkpoint, weights);
        var exported = new JsonObject
        {
            ["trial_id"] = trialId,
            ["weights"] = fileName,
            ["format"] = "torchsharp-module",
            ["hyperparameters"] = JsonNode.Parse(HyperparametersJson.Serialize(config)),
            ["metrics"] = new JsonObject { ["epoch"] = 1, ["test_mse"] = 0.031 },
        };
        File.WriteAllText(weights + ".json", exported.ToJsonString());
        return weights;
    }
}
