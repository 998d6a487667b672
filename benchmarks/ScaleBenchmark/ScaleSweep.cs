using System.Globalization;

namespace AeGrid.ScaleBenchmark;

/// <summary>
/// The sweep every configuration runs: many tiny trials (a few batches each) so that the figures measure the grid's
/// scheduling and bookkeeping, not the training. Random search over two small architectures and the learning rate.
/// </summary>
public static class ScaleSweep
{
    public static string Yaml(string name, int trials, BenchmarkOptions options, string dataset) => string.Create(CultureInfo.InvariantCulture, $$"""
        # Written by benchmarks/ScaleBenchmark: {{trials}} tiny trials to measure scheduling, not training.
        name: {{name}}
        dataset: {{dataset}}
        limit: {{options.Limit}}
        epochs: {{options.Epochs}}
        batch_size: {{options.BatchSize}}
        metric: test_mse
        search: random
        trials: {{trials}}
        seed: 11
        keep_best: 1
        space:
          architecture: [linear, deep-mlp]
          lr: {loguniform: [1.0e-3, 1.0e-2]}
        """);

    /// <summary>The repository root (the folder holding AeGrid.sln), found from the benchmark's build output.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "AeGrid.sln"))) return dir.FullName;
            throw new InvalidOperationException($"no AeGrid.sln above {AppContext.BaseDirectory}: run the benchmark from the repository");
        }
    }

    /// <summary>600 training and 200 test MNIST digits that ship with the repository (tests/fixtures/mnist-small).</summary>
    public static string FixtureDataset
    {
        get
        {
            var path = Path.Combine(RepositoryRoot, "tests", "fixtures", "mnist-small");
            return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"the fixture dataset is missing: {path}");
        }
    }
}
