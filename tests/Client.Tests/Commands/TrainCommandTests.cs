using System.IO.Compression;
using System.Text.Json;
using AeGrid.Client.Cli;
using AeGrid.Client.Data;
using AeGrid.Client.Tests.Support;

namespace AeGrid.Client.Tests.Commands;

/// <summary>
/// `aegrid train` end to end: real TorchSharp training of the linear tutorial model on the 300-image fixture,
/// a few batches per epoch so each run takes about a second.
/// </summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The linear model on the fixture, 50 images per batch unless the test says otherwise.</summary>
    private static string[] Quick(params string[] args) =>
    [
        "train", "--arch", "linear", "--dataset", Fixtures.FashionMnist300,
        .. args.Contains("--batch-size") ? [] : new[] { "--batch-size", "50" },
        .. args,
    ];

    [Fact]
    public async Task Json_prints_exactly_one_object_with_metrics_hyperparameters_and_epochs()
    {
        var run = await Aegrid.RunAsync(Quick("--epochs", "2", "--json"));

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout); // throws if stdout holds anything besides one JSON value
        var root = json.RootElement;
        Assert.Equal("linear", root.GetProperty("architecture").GetString());
        Assert.Equal("completed", root.GetProperty("outcome").GetString());
        Assert.Equal(2, root.GetProperty("epochs").GetInt32());
        Assert.InRange(root.GetProperty("test_mse").GetDouble(), 1e-6, 0.5);
        Assert.InRange(root.GetProperty("train_mse").GetDouble(), 1e-6, 0.5);
        Assert.True(root.GetProperty("samples_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("wall_seconds").GetDouble() > 0);
        Assert.Equal(300, root.GetProperty("train_images").GetInt32());
        Assert.Equal(100, root.GetProperty("test_images").GetInt32());

        var hyperparameters = root.GetProperty("hyperparameters");
        Assert.Equal(50, hyperparameters.GetProperty("batch_size").GetInt32());
        Assert.Equal(2, hyperparameters.GetProperty("epochs").GetInt32());
        Assert.True(hyperparameters.GetProperty("encoding_dim").GetInt32() > 0);
        // The sweep file's name for the learning rate, as the store and every sweep command write it.
        Assert.True(hyperparameters.GetProperty("lr").GetDouble() > 0);
        Assert.False(hyperparameters.TryGetProperty("learning_rate", out _));
        var defaults = root.GetProperty("tutorial_defaults").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("encoding_dim", defaults);
        Assert.Contains("lr", defaults);
        Assert.DoesNotContain("batch_size", defaults);

        var epochs = root.GetProperty("per_epoch").EnumerateArray().ToList();
        Assert.Equal([1, 2], epochs.Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.Equal(root.GetProperty("test_mse").GetDouble(), epochs[1].GetProperty("test_mse").GetDouble());

        Assert.Contains("Recipe: linear tutorial defaults (encoding-dim ", run.Stderr);
    }

    [Fact]
    public async Task Without_json_prints_the_recipe_an_epoch_table_and_a_summary()
    {
        var run = await Aegrid.RunAsync(Quick("--epochs", "1", "--seed", "4"));

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Recipe: linear tutorial defaults (", run.Stdout);
        Assert.Contains($"set here: dataset {Fixtures.FashionMnist300}, batch-size 50, epochs 1; seed 4", run.Stdout);
        Assert.Contains("Test MSE", run.Stdout);
        Assert.Contains("linear: 1 epoch(s) in ", run.Stdout);
        Assert.DoesNotContain("error", run.Stderr);
    }

    [Fact]
    public async Task Out_writes_the_weights_the_config_and_the_metrics()
    {
        var directory = _temp.Combine("run");

        var run = await Aegrid.RunAsync(Quick("--epochs", "1", "--out", directory, "--json"));

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.True(new FileInfo(Path.Combine(directory, "model.ckpt")).Length > 0);
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "config.json")));
        Assert.Equal("linear", config.RootElement.GetProperty("architecture").GetString());
        Assert.Equal(50, config.RootElement.GetProperty("batch_size").GetInt32());
        using var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "metrics.json")));
        using var printed = JsonDocument.Parse(run.Stdout);
        Assert.Equal(printed.RootElement.GetProperty("test_mse").GetDouble(), metrics.RootElement.GetProperty("test_mse").GetDouble());
        Assert.Equal(3, printed.RootElement.GetProperty("files").GetArrayLength());
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_numbers_and_another_seed_does_not()
    {
        // The thread count is libtorch's, process-wide: without --threads a run takes whatever another test in this process
        // (`aegrid run --threads 1`, in parallel) set last, and a reduction split another way differs in the last bits.
        var first = await TestMse(Quick("--epochs", "1", "--seed", "11", "--threads", "1", "--json"));
        var again = await TestMse(Quick("--epochs", "1", "--seed", "11", "--threads", "1", "--json"));
        var other = await TestMse(Quick("--epochs", "1", "--seed", "12", "--threads", "1", "--json"));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Limit_trains_on_the_first_n_images()
    {
        var run = await Aegrid.RunAsync(Quick("--epochs", "1", "--limit", "100", "--json"));

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(100, json.RootElement.GetProperty("train_images").GetInt32());
        Assert.Equal(100, json.RootElement.GetProperty("hyperparameters").GetProperty("limit").GetInt32());
    }

    [Theory]
    [InlineData("--epochs 0", "error: --epochs: ")]
    [InlineData("--lr 0", "error: --lr: ")]
    [InlineData("--batch-size -5", "error: --batch-size: ")]
    [InlineData("--encoding-dim 0", "error: --encoding-dim: ")]
    [InlineData("--limit 0", "error: --limit: ")]
    [InlineData("--threads 0", "error: --threads: must be at least 1, got 0")]
    [InlineData("--epochs 10001", "error: --epochs: must be at most 10000, got 10001")]
    [InlineData("--limit 100 --batch-size 200", "error: --batch-size: 200 is more than the 100 training images (limit: 100)")]
    public async Task A_bad_hyperparameter_is_one_line_naming_the_option_with_exit_code_2(string extra, string expectedStart)
    {
        var run = await Aegrid.RunAsync(Quick([.. extra.Split(' '), "--json"]));

        Assert.True(run.ExitCode == ExitCodes.InvalidInput, run.ToString());
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.StderrLines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith(expectedStart, line);
        Assert.Equal(line, run.LastStderrLine);
    }

    [Fact]
    public async Task An_unknown_architecture_is_named_with_exit_code_2()
    {
        var run = await Aegrid.RunAsync("train", "--arch", "no-such-net", "--dataset", Fixtures.FashionMnist300);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: --arch: ", line);
        Assert.Contains("no-such-net", line);
    }

    [Fact]
    public async Task A_missing_dataset_directory_is_named_with_exit_code_2()
    {
        var missing = _temp.Combine("no-such-dataset");

        var run = await Aegrid.RunAsync("train", "--arch", "linear", "--dataset", missing, "--json");

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.StartsWith("error: ", run.LastStderrLine);
        Assert.Contains(missing, run.LastStderrLine);
    }

    [Fact]
    public async Task A_corrupt_idx_file_is_named_with_exit_code_2()
    {
        var directory = _temp.Combine("corrupt");
        Fixtures.CopyFashionMnist300To(directory);
        // A well-formed gzip whose IDX header carries the label-file magic number (2049) instead of 2051.
        await WriteGzipAsync(Path.Combine(directory, "train-images-idx3-ubyte.gz"), [0, 0, 8, 1, 0, 0, 0, 1, 7]);

        var run = await Aegrid.RunAsync("train", "--arch", "linear", "--dataset", directory, "--epochs", "1");

        Assert.True(run.ExitCode == ExitCodes.InvalidInput, run.ToString());
        Assert.StartsWith("error: ", run.LastStderrLine);
        Assert.Contains("train-images-idx3-ubyte", run.LastStderrLine);
        Assert.DoesNotContain("   at ", run.Stderr); // no stack trace
    }

    [Fact]
    public async Task A_diverging_run_is_reported_with_exit_code_3()
    {
        // cluster-mlp has a linear output layer (sigmoid outputs saturate instead), so plain SGD with an absurd step
        // overflows to NaN within a couple of batches.
        var run = await Aegrid.RunAsync("train", "--arch", "cluster-mlp", "--dataset", Fixtures.FashionMnist300,
            "--batch-size", "50", "--epochs", "2", "--optimizer", "sgd", "--lr", "1e30", "--json");

        Assert.True(run.ExitCode == ExitCodes.Diverged, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("diverged", json.RootElement.GetProperty("outcome").GetString());
        Assert.StartsWith("error: training diverged after 0 finished epoch(s)", run.LastStderrLine);
    }

    [Fact]
    public async Task Cancelling_stops_training_cleanly_with_exit_code_130()
    {
        using var ctrlC = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        var run = await Aegrid.RunAsync(DatasetSources.Published, ctrlC.Token,
            Quick("--epochs", "10000", "--batch-size", "10", "--json")); // the most allowed: far beyond 3 s

        Assert.True(run.ExitCode == ExitCodes.Cancelled, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("cancelled", json.RootElement.GetProperty("outcome").GetString());
        Assert.StartsWith("error: cancelled after ", run.LastStderrLine);
    }

    private static async Task<double> TestMse(string[] args)
    {
        var run = await Aegrid.RunAsync(args);
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        return json.RootElement.GetProperty("test_mse").GetDouble();
    }

    private static async Task WriteGzipAsync(string path, byte[] content)
    {
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        await gzip.WriteAsync(content);
    }
}
