using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>A fork's sweep file: what it leaves out is the source's; what would change the model's shape is refused by key.</summary>
public sealed class ForkSpecTests
{
    static readonly ForkSpec.Source DeepSource = new("quick", "test_psnr", Maximize: true, "quick-abc123-t0004", new Hyperparameters
    {
        Architecture = "deep-mlp", EncodingDim = 8, HiddenSizes = [64, 32], LearningRate = 0.005, BatchSize = 50, Epochs = 3,
        Seed = 7, Dataset = "fashion-mnist", Limit = 300,
    });

    [Fact]
    public void A_file_of_only_what_changes_takes_everything_else_from_the_source_and_reads_the_same_when_stored()
    {
        var (text, spec) = ForkSpec.Compose("""
            # fine-tune the best model with smaller steps
            space:
              lr: [1.0e-4, 1.0e-5]
            epochs: 2
            """, "fine.yaml", DeepSource);

        Assert.Equal("quick-fork", spec.Name);
        Assert.Equal(("test_psnr", true), (spec.Metric, spec.Maximize));
        Assert.Equal(7, spec.Seed);
        var trials = SamplerFactory.Create(spec).Next([], spec.InitialTrialCount);
        Assert.Equal([1e-4, 1e-5], trials.Select(t => t.LearningRate!.Value));
        Assert.All(trials, t =>
        {
            Assert.Equal(("deep-mlp", 8, 50, 2, "fashion-mnist", 300), (t.Architecture, t.EncodingDim, t.BatchSize, t.Epochs, t.Dataset, t.Limit));
            Assert.Equal([64, 32], t.HiddenSizes!.Value.ToArray());
        });
        // The stored text is a whole sweep file: the grain re-parses it alone, and the user's lines keep their numbers.
        Assert.Equal(spec, SweepSpecParser.Parse(text, "fine.yaml"));
        Assert.StartsWith("# fine-tune the best model with smaller steps\nspace:\n  lr: [1.0e-4, 1.0e-5]\nepochs: 2\n", text);
    }

    [Fact]
    public void A_json_file_gets_the_keys_after_its_opening_brace_and_an_empty_file_repeats_the_source()
    {
        var (text, spec) = ForkSpec.Compose("""{"name": "ft", "lr": 0.0001}""", "fine.json", DeepSource);
        Assert.Equal(spec, SweepSpecParser.Parse(text, "fine.json"));
        Assert.Equal("ft", spec.Name);
        var trial = Assert.Single(SamplerFactory.Create(spec).Next([], spec.InitialTrialCount));
        Assert.Equal((0.0001, "deep-mlp", 3), (trial.LearningRate, trial.Architecture, trial.Epochs));

        var (_, same) = ForkSpec.Compose("# nothing changes\n", "same.yaml", DeepSource);
        var again = Assert.Single(SamplerFactory.Create(same).Next([], same.InitialTrialCount));
        Assert.Equal(DeepSource.Parameters with { HiddenSizes = null }, again with { HiddenSizes = null });
        Assert.Equal([64, 32], again.HiddenSizes!.Value.ToArray());
    }

    [Theory]
    [InlineData("name: ft\narchitecture: linear\n", 2, 15, "architecture", "linear does not fit the weights of quick-abc123-t0004 (architecture: deep-mlp)")]
    [InlineData("name: ft\nencoding_dim: 16\n", 2, 15, "encoding_dim", "16 does not fit the weights of quick-abc123-t0004 (encoding_dim: 8)")]
    [InlineData("name: ft\nhidden_sizes: [64, 16]\n", 2, 15, "hidden_sizes", "[64, 16] does not fit the weights of quick-abc123-t0004 (hidden_sizes: [64, 32])")]
    [InlineData("name: ft\nspace:\n  encoding_dim: [8, 16]\n", 3, 3, "space.encoding_dim", "cannot vary in a fork: every trial starts from the weights of quick-abc123-t0004, which fix it (encoding_dim: 8)")]
    [InlineData("name: ft\nspace:\n  architecture: [deep-mlp]\n", 3, 3, "space.architecture", "cannot vary in a fork")]
    public void A_file_that_changes_the_models_shape_is_refused_naming_the_key(string text, int line, int column, string key, string problem)
    {
        var error = Assert.Throws<SweepSpecException>(() => ForkSpec.Compose(text, "fine.yaml", DeepSource));
        Assert.Equal((line, column, key), (error.Line, error.Column, error.Key));
        Assert.Contains(problem, error.Message);
        Assert.StartsWith($"fine.yaml:{line}:{column}: {key}: ", error.Message);
    }

    [Fact]
    public void Giving_the_sources_own_shape_is_fine_and_a_default_shape_matches_its_spelled_out_values()
    {
        var (_, spec) = ForkSpec.Compose("name: ft\narchitecture: deep-mlp\nencoding_dim: 8\nhidden_sizes: [64, 32]\nlr: 0.001\n", "fine.yaml", DeepSource);
        Assert.Equal(0.001, Assert.Single(SamplerFactory.Create(spec).Next([], 1)).LearningRate);

        // deep-mlp's defaults (encoding_dim 3, hidden_sizes [128, 64, 12]) written out are the same weights' shape.
        var defaults = DeepSource with { Parameters = new Hyperparameters { Architecture = "deep-mlp", Limit = 300 } };
        ForkSpec.Compose("name: ft\nencoding_dim: 3\nhidden_sizes: [128, 64, 12]\n", "fine.yaml", defaults);
        var error = Assert.Throws<SweepSpecException>(() => ForkSpec.Compose("name: ft\nencoding_dim: 4\n", "fine.yaml", defaults));
        Assert.Contains("(encoding_dim: 3)", error.Message);
    }

    [Fact]
    public void Other_errors_still_name_the_users_line()
    {
        var error = Assert.Throws<SweepSpecException>(() => ForkSpec.Compose("name: ft\nspace:\n  lr: {loguniform: [0, 1]}\n", "fine.yaml", DeepSource));
        Assert.Equal((3, "space.lr"), (error.Line, error.Key));
    }
}
