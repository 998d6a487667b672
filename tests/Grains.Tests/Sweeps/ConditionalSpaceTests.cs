using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

public sealed class ConditionalSpaceTests
{
    private const string Yaml = """
        name: cond
        dataset: mnist
        search: grid
        space:
          architecture:
            denoise-mlp: {hidden_sizes: [[256], [256, 128]], noise_factor: [0.2, 0.7]}
            conv-denoise: {noise_factor: [0.2, 0.7]}
            linear: {}
          lr: [0.001, 0.01]
        """;

    [Fact]
    public void A_conditional_space_is_a_mapping_from_architecture_to_its_sub_space()
    {
        var spec = SpecText.Parse(Yaml);

        var conditional = Assert.IsType<ConditionalDimension>(spec.Space[0]);
        Assert.Equal(["denoise-mlp", "conv-denoise", "linear"], conditional.Branches.Select(b => b.Architecture));
        Assert.Equal(["hidden_sizes", "noise_factor"], conditional.Branches[0].Space.Select(d => d.Parameter));
        Assert.Empty(conditional.Branches[2].Space);
        // (2·2 + 2 + 1) architectures' points × 2 learning rates
        Assert.Equal(14, spec.GridSize);
    }

    [Fact]
    public void Yaml_and_json_of_the_same_conditional_spec_are_equal()
    {
        var json = """
            {"name": "cond", "dataset": "mnist", "search": "grid", "space": {
              "architecture": {
                "denoise-mlp": {"hidden_sizes": [[256], [256, 128]], "noise_factor": [0.2, 0.7]},
                "conv-denoise": {"noise_factor": [0.2, 0.7]},
                "linear": {}},
              "lr": [0.001, 0.01]}}
            """;
        Assert.Equal(SpecText.Parse(Yaml), SpecText.Parse(json, "test.json"));
    }

    [Fact]
    public void The_grid_walks_each_architectures_sub_grid_in_turn_with_the_shared_keys_nested_inside()
    {
        var trials = new GridSampler(SpecText.Parse(Yaml)).Next([], 100);

        Assert.Equal(14, trials.Count);
        string Label(Hyperparameters t) =>
            $"{t.Architecture} {(t.HiddenSizes is { } h ? string.Join("x", h) : "-")} {t.NoiseFactor?.ToString() ?? "-"} {t.LearningRate}";
        Assert.Equal(
        [
            "denoise-mlp 256 0.2 0.001", "denoise-mlp 256 0.2 0.01", "denoise-mlp 256 0.7 0.001", "denoise-mlp 256 0.7 0.01",
            "denoise-mlp 256x128 0.2 0.001", "denoise-mlp 256x128 0.2 0.01", "denoise-mlp 256x128 0.7 0.001", "denoise-mlp 256x128 0.7 0.01",
            "conv-denoise - 0.2 0.001", "conv-denoise - 0.2 0.01", "conv-denoise - 0.7 0.001", "conv-denoise - 0.7 0.01",
            "linear - - 0.001", "linear - - 0.01",
        ], trials.Select(Label));
    }

    [Fact]
    public void Random_search_picks_an_architecture_then_draws_only_its_sub_space()
    {
        var spec = SpecText.Parse("""
            name: cond
            search: random
            trials: 60
            space:
              architecture:
                denoise-mlp: {hidden_sizes: [[256], [256, 128]], noise_factor: {uniform: [0.2, 0.7]}}
                conv-denoise: {noise_factor: {uniform: [0.2, 0.7]}}
                linear: {}
              lr: {loguniform: [0.0001, 0.03]}
            """);
        var trials = new RandomSampler(spec).Next([], 60);

        Assert.Equal(["conv-denoise", "denoise-mlp", "linear"], trials.Select(t => t.Architecture).Distinct().Order());
        Assert.All(trials, t =>
        {
            Assert.Equal(t.Architecture == "denoise-mlp", t.HiddenSizes is not null);
            Assert.Equal(t.Architecture != "linear", t.NoiseFactor is not null);
            Assert.InRange(t.LearningRate!.Value, 0.0001, 0.03);
        });
    }

    [Theory]
    [InlineData("conv-denoise: {encoding_dim: [8, 16]}", "space.architecture.conv-denoise.encoding_dim", "conv-denoise's code size is fixed")]
    [InlineData("linear: {hidden_sizes: [[64]]}", "space.architecture.linear.hidden_sizes", "linear has no configurable hidden layers")]
    [InlineData("lenet: {}", "space.architecture.lenet", "unknown architecture")]
    [InlineData("linear: [1, 2]", "space.architecture.linear", "expected linear's sub-space")]
    [InlineData("linear: {architecture: [linear]}", "space.architecture.linear.architecture", "cannot name architecture again")]
    [InlineData("linear: {lr: [0.1]}", "space.architecture.linear.lr", "lr is also given at space.lr (line 7)")]
    [InlineData("linear: {noise_factor: {uniform: [0.1, 0.2]}}", "space.architecture.linear.noise_factor", "grid search needs lists")]
    public void A_bad_sub_space_names_its_key_and_line(string branch, string key, string message)
    {
        SpecText.Error($"name: cond\nsearch: grid\nspace:\n  architecture:\n    denoise-mlp: {{}}\n    {branch}\n  lr: [0.001]\n", 6, key, message);
    }

    [Fact]
    public void A_conditional_grid_too_large_to_count_is_refused_as_too_large()
    {
        // 6 keys of 2,000 values each in one sub-space: 6.4e19 points, more than a long holds.
        var values = "[" + string.Join(", ", Enumerable.Range(1, 2000).Select(i => (i * 0.0001).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        var sizes = "[" + string.Join(", ", Enumerable.Range(1, 2000).Select(i => $"[{i}]")) + "]";
        var ints = "[" + string.Join(", ", Enumerable.Range(1, 2000)) + "]";
        SpecText.Error($"name: big\nsearch: grid\nspace:\n  architecture:\n    denoise-mlp: {{lr: {values}, noise_factor: {values}, hidden_sizes: {sizes}, " +
            $"batch_size: {ints}, epochs: {ints}, limit: {ints}}}\n", 4, "space", "the grid has more than 10,000 trials");
    }
}
