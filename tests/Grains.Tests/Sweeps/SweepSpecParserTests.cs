using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

public sealed class SweepSpecParserTests
{
    private const string Denoisers = """
        name: denoisers
        dataset: fashion-mnist
        limit: 20000            # optional
        metric: test_mse
        search: grid
        epochs: 10
        seed: 7
        keep_best: 2
        space:
          architecture: [denoise-mlp, deep-mlp]
          encoding_dim: [16, 32, 64]
          noise_factor: [0.3, 0.5]
          batch_size: [20, 64]
        """;

    [Fact]
    public void A_grid_spec_reads_every_setting_in_file_order()
    {
        var spec = SpecText.Parse(Denoisers);

        Assert.Equal("denoisers", spec.Name);
        Assert.Equal("test_mse", spec.Metric);
        Assert.False(spec.Maximize);
        Assert.Equal(SearchKind.Grid, spec.Search);
        Assert.Null(spec.Trials);
        Assert.Equal(7, spec.Seed);
        Assert.Equal(2, spec.KeepBest);
        Assert.Equal(3, spec.MaxAttempts);
        Assert.IsType<NoPrunerSpec>(spec.Pruner);
        Assert.Null(spec.CheckpointEveryBatches);
        Assert.Equal(
            [new FixedParameter("dataset", new TextValue("fashion-mnist")), new FixedParameter("limit", new IntegerValue(20000)),
             new FixedParameter("epochs", new IntegerValue(10))],
            spec.Fixed);
        Assert.Equal(["architecture", "encoding_dim", "noise_factor", "batch_size"], spec.Space.Select(d => d.Parameter));
        Assert.Equal(new CategoricalDimension("noise_factor", [new RealValue(0.3), new RealValue(0.5)]), spec.Space[2]);
        Assert.Equal(2 * 3 * 2 * 2, spec.GridSize);
        Assert.Equal(24, spec.InitialTrialCount);
    }

    [Fact]
    public void Defaults_fill_what_a_minimal_spec_leaves_out()
    {
        var spec = SpecText.Parse("name: one\narchitecture: linear\n");

        Assert.Equal(SweepSpecParser.DefaultMetric, spec.Metric);
        Assert.False(spec.Maximize);
        Assert.Equal(SearchKind.Grid, spec.Search);
        Assert.Equal(1, spec.Seed);
        Assert.Equal(SweepSpecParser.DefaultKeepBest, spec.KeepBest);
        Assert.Equal(SweepSpecParser.DefaultMaxAttempts, spec.MaxAttempts);
        Assert.IsType<NoPrunerSpec>(spec.Pruner);
        Assert.Empty(spec.Space);
        Assert.Equal(1, spec.InitialTrialCount);
    }

    [Fact]
    public void A_random_spec_reads_distributions_pruner_and_run_settings()
    {
        var spec = SpecText.Parse("""
            name: lr-search
            architecture: deep-mlp
            metric: test_psnr
            mode: max
            search: random
            trials: 12
            max_attempts: 2
            checkpoint_every_batches: 50
            fuse: 8
            pruner: {asha: {min_epochs: 2, reduction_factor: 4}}
            space:
              lr: { loguniform: [1.0e-4, 1.0e-2] }
              noise_factor: {uniform: [0.1, 0.7]}
              batch_size: {int: [16, 128]}
              optimizer: {choice: [adam, sgd]}
              hidden_sizes: [[256], [256, 128]]
            """);

        Assert.True(spec.Maximize);
        Assert.Equal("test_psnr", spec.Metric);
        Assert.Equal(SearchKind.Random, spec.Search);
        Assert.Equal(12, spec.Trials);
        Assert.Equal(12, spec.InitialTrialCount);
        Assert.Null(spec.GridSize);
        Assert.Equal(2, spec.MaxAttempts);
        Assert.Equal(50, spec.CheckpointEveryBatches);
        Assert.Equal(8, spec.Fuse);
        Assert.Equal(new AshaPrunerSpec(MinEpochs: 2, ReductionFactor: 4), spec.Pruner);
        Assert.Equal(
            [
                new FloatDimension("lr", 1e-4, 1e-2, Log: true),
                new FloatDimension("noise_factor", 0.1, 0.7, Log: false),
                new IntegerDimension("batch_size", 16, 128),
                new CategoricalDimension("optimizer", [new TextValue("adam"), new TextValue("sgd")]),
                new CategoricalDimension("hidden_sizes", [new SizesValue([256]), new SizesValue([256, 128])]),
            ],
            spec.Space);
    }

    [Theory]
    [InlineData("pruner: none", typeof(NoPrunerSpec))]
    [InlineData("pruner: median", typeof(MedianPrunerSpec))]
    [InlineData("pruner: asha", typeof(AshaPrunerSpec))]
    [InlineData("pruner: {median: }", typeof(MedianPrunerSpec))]
    public void A_pruner_can_be_named_alone_for_its_defaults(string line, Type expected)
    {
        var spec = SpecText.Parse($"name: p\narchitecture: linear\n{line}\n");
        Assert.IsType(expected, spec.Pruner);
    }

    [Fact]
    public void Median_pruner_settings_override_optunas_defaults()
    {
        var spec = SpecText.Parse("name: p\narchitecture: linear\npruner: {median: {startup_trials: 2, warmup_epochs: 1, interval: 3}}\n");
        Assert.Equal(new MedianPrunerSpec(StartupTrials: 2, WarmupEpochs: 1, Interval: 3), spec.Pruner);
        Assert.Equal(new MedianPrunerSpec(5, 0, 1), SpecText.Parse("name: p\narchitecture: linear\npruner: median\n").Pruner);
    }

    [Fact]
    public void The_same_spec_as_json_and_yaml_parses_to_equal_specs()
    {
        const string yaml = """
            name: same
            architecture: denoise-mlp
            clip_noise: false
            search: random
            trials: 5
            pruner: {median: {startup_trials: 3}}
            space:
              lr: {loguniform: [0.0001, 0.01]}
              hidden_sizes: [[256], [256, 128]]
              noise_factor: [0.3, 0.6]
            """;
        const string json = """
            {
              "name": "same",
              "architecture": "denoise-mlp",
              "clip_noise": false,
              "search": "random",
              "trials": 5,
              "pruner": {"median": {"startup_trials": 3}},
              "space": {
                "lr": {"loguniform": [1e-4, 1e-2]},
                "hidden_sizes": [[256], [256, 128]],
                "noise_factor": [0.3, 0.6]
              }
            }
            """;

        var fromYaml = SweepSpecParser.Parse(yaml, "same.yaml");
        var fromJson = SweepSpecParser.Parse(json, "same.json");

        Assert.Equal(fromYaml, fromJson);
        Assert.Equal(fromYaml.GetHashCode(), fromJson.GetHashCode());
        // Without an extension, a leading '{' means JSON.
        Assert.Equal(fromYaml, SweepSpecParser.Parse(json, "stored-spec"));
    }

    [Fact]
    public void Json_string_values_are_text_not_numbers()
    {
        SpecText.Error("""{"name": "j", "architecture": "linear", "epochs": "10"}""", 1, "epochs", "expected an integer, got \"10\"", "j.json");
    }

    [Fact]
    public void A_quoted_yaml_number_is_text()
    {
        SpecText.Error("name: q\narchitecture: linear\nbatch_size: '20'\n", 3, "batch_size", "expected an integer, got \"20\"");
    }

    [Fact]
    public void A_str_tagged_yaml_number_is_text()
    {
        SpecText.Error("name: q\narchitecture: linear\nepochs: !!str 3\n", 3, "epochs", "expected an integer, got \"3\"");
        Assert.Equal("1", SpecText.Parse("name: '1'\narchitecture: linear\n").Name);
    }

    [Fact]
    public void A_byte_order_mark_is_ignored()
    {
        Assert.Equal("bom", SpecText.Parse("\uFEFFname: bom\narchitecture: linear\n").Name);
    }

    [Fact]
    public void A_choice_in_a_grid_is_a_list()
    {
        var spec = SpecText.Parse("name: g\narchitecture: linear\nspace:\n  encoding_dim: {choice: [8, 16]}\n");
        Assert.Equal(new CategoricalDimension("encoding_dim", [new IntegerValue(8), new IntegerValue(16)]), spec.Space[0]);
    }

    [Fact]
    public void Seed_in_the_space_varies_the_training_seed_and_leaves_the_sampler_seed_at_one()
    {
        var spec = SpecText.Parse("name: s\narchitecture: linear\nspace:\n  seed: [1, 2, 3]\n");
        Assert.Equal(1, spec.Seed);
        Assert.Equal(3, spec.GridSize);
        Assert.DoesNotContain(spec.Fixed, f => f.Parameter == "seed");
    }

    [Fact]
    public void YAML_anchors_and_aliases_resolve()
    {
        var spec = SpecText.Parse("""
            name: anchors
            architecture: denoise-mlp
            space:
              noise_factor: &noise [0.3, 0.5]
            """);
        Assert.Equal(2, spec.GridSize);
    }
}
