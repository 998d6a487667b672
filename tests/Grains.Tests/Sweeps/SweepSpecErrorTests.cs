using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>Every way a sweep file can be wrong names the file, line, column, key and what was expected.</summary>
public sealed class SweepSpecErrorTests
{
    [Fact]
    public void A_bad_loguniform_range_quotes_the_bounds_at_their_position()
    {
        var error = SpecText.Error("""
            name: denoisers
            architecture: denoise-mlp
            search: random
            trials: 4
            space:
              noise_factor: [0.3, 0.5]
              lr: { loguniform: [0, 0.01] }
            """, 7, "space.lr", "loguniform needs two positive numbers [low, high] with low < high, got [0, 0.01]", "denoisers.yaml");

        Assert.Equal(21, error.Column);
        Assert.Equal("denoisers.yaml:7:21: space.lr: loguniform needs two positive numbers [low, high] with low < high, got [0, 0.01]", error.Message);
    }

    [Theory]
    [InlineData("[0.01, 0.001]")]
    [InlineData("[0.001]")]
    [InlineData("[-1, 0.1]")]
    [InlineData("[a, 0.1]")]
    public void Loguniform_needs_two_increasing_positive_numbers(string bounds) =>
        SpecText.Error($"name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  lr: {{loguniform: {bounds}}}\n",
            6, "space.lr", "loguniform needs two positive numbers");

    [Fact]
    public void Uniform_bounds_must_be_increasing_and_in_the_parameters_range()
    {
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  noise_factor: {uniform: [0.5, 0.5]}\n",
            6, "space.noise_factor", "uniform needs two numbers [low, high] with low < high, got [0.5, 0.5]");
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  noise_factor: {uniform: [-0.5, 0.5]}\n",
            6, "space.noise_factor", "noise_factor must be at least 0, got -0.5");
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  lr: {uniform: [0, 0.1]}\n",
            6, "space.lr", "lr must be greater than 0, got 0");
    }

    [Fact]
    public void Int_bounds_must_be_integers_in_order()
    {
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  batch_size: {int: [64, 16]}\n",
            6, "space.batch_size", "int needs two integers [low, high] with low <= high (both included), got [64, 16]");
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  batch_size: {int: [1.5, 16]}\n",
            6, "space.batch_size", "int needs two integers");
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  batch_size: {int: [0, 16]}\n",
            6, "space.batch_size", "batch_size must be at least 1, got 0");
    }

    [Fact]
    public void A_distribution_must_fit_the_parameters_kind()
    {
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  lr: {int: [1, 3]}\n",
            6, "space.lr", "int draws integers, but lr takes a number; use {uniform: [low, high]} or {loguniform: [low, high]}");
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  batch_size: {loguniform: [16, 256]}\n",
            6, "space.batch_size", "loguniform draws real numbers, but batch_size takes an integer; use {int: [low, high]} or a list");
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  optimizer: {uniform: [0, 1]}\n",
            6, "space.optimizer", "uniform draws real numbers, but optimizer takes text; use a list");
    }

    [Fact]
    public void An_unknown_distribution_suggests_the_closest()
    {
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 2\nspace:\n  lr: {log_uniform: [0.001, 0.1]}\n",
            6, "space.lr", "unknown distribution 'log_uniform'; did you mean 'loguniform'?");
    }

    [Fact]
    public void An_unknown_top_level_key_is_an_error_with_a_suggestion()
    {
        var error = SpecText.Error("name: x\narchitecture: linear\n\nepoch: 10\n", 4, "epoch", "unknown key 'epoch'; did you mean 'epochs'?");
        Assert.Equal(1, error.Column);
        SpecText.Error("name: x\narchitecture: linear\nbatchsize: 10\n", 3, "batchsize", "did you mean 'batch_size'?");
        SpecText.Error("name: x\narchitecture: linear\nwibble: 10\n", 3, "wibble", "unknown key 'wibble'; expected one of name, metric, mode");
    }

    [Fact]
    public void An_unknown_space_key_is_an_error_with_a_suggestion()
    {
        SpecText.Error("name: x\narchitecture: linear\nspace:\n  encoding_dims: [8, 16]\n", 4, "space.encoding_dims",
            "unknown key 'encoding_dims'; did you mean 'encoding_dim'?");
        SpecText.Error("name: x\narchitecture: linear\nspace:\n  keep_best: [1, 2]\n", 4, "space.keep_best", "unknown key 'keep_best'");
    }

    [Fact]
    public void A_key_both_fixed_and_in_space_is_an_error()
    {
        SpecText.Error("name: x\narchitecture: linear\nlr: 0.001\nspace:\n  lr: [0.001, 0.01]\n", 5, "space.lr",
            "lr is also given at the top level (line 3); give it in one place");
    }

    [Fact]
    public void A_distribution_in_a_grid_is_an_error()
    {
        SpecText.Error("name: x\narchitecture: linear\nspace:\n  encoding_dim: [8, 16]\n  lr: {loguniform: [0.0001, 0.01]}\n", 5, "space.lr",
            "grid search needs lists; use search: random for distributions");
    }

    [Theory]
    [InlineData("epochs: ten", "epochs", "expected an integer, got ten")]
    [InlineData("epochs: 2.5", "epochs", "expected an integer, got 2.5")]
    [InlineData("epochs:", "epochs", "expected an integer, got nothing")]
    [InlineData("lr: fast", "lr", "expected a number, got fast")]
    [InlineData("lr: .nan", "lr", "expected a number, got .nan")]
    [InlineData("clip_noise: maybe", "clip_noise", "expected true or false, got maybe")]
    [InlineData("hidden_sizes: 256", "hidden_sizes", "expected a list of layer sizes like [256, 128], got 256")]
    [InlineData("hidden_sizes: [256, wide]", "hidden_sizes", "expected a list of layer sizes like [256, 128], got the list [256, wide]")]
    [InlineData("dataset: [mnist, fashion-mnist]", "dataset", "expected text, got the list [mnist, fashion-mnist]")]
    [InlineData("keep_best: -1", "keep_best", "must be at least 0, got -1")]
    [InlineData("max_attempts: 0", "max_attempts", "must be at least 1, got 0")]
    [InlineData("fuse: 0", "fuse", "must be at least 1, got 0")]
    [InlineData("fuse: 17", "fuse", "must be at most 16, got 17")]
    [InlineData("fuse: eight", "fuse", "expected an integer, got eight")]
    [InlineData("checkpoint_every_batches: many", "checkpoint_every_batches", "expected an integer, got many")]
    [InlineData("batch_size: 0", "batch_size", "must be at least 1, got 0")]
    [InlineData("limit: 3000000000", "limit", "must be at most 2147483647, got 3000000000")]
    [InlineData("seed: -3", "seed", "must be at least 0, got -3")]
    [InlineData("hidden_sizes: [256, 0]", "hidden_sizes", "every layer size must be positive, got 0 in [256, 0]")]
    [InlineData("hidden_sizes: []", "hidden_sizes", "must list at least one layer size")]
    [InlineData("optimizer: ''", "optimizer", "must not be empty")]
    public void A_value_of_the_wrong_type_or_range_names_key_line_and_expectation(string line, string key, string message) =>
        SpecText.Error($"name: x\narchitecture: linear\n{line}\n", 3, key, message);

    [Theory]
    [InlineData("architecture", "unknown architecture")]
    [InlineData("pruner", "unknown pruner")]
    [InlineData("optimizer", "unknown optimizer")]
    public void A_long_unknown_name_is_quoted_cut_short_so_the_refusal_stays_one_short_line(string key, string message)
    {
        var preamble = key == "architecture" ? "name: x\nepochs: 1\n" : "name: x\narchitecture: linear\n";
        var error = SpecText.Error($"{preamble}{key}: {new string('x', 5000)}\n", 3, key, message);
        Assert.Contains($"'{new string('x', 57)}...'", error.Message);
        Assert.True(error.Message.Length < 300, error.Message);
    }

    [Fact]
    public void A_grid_larger_than_the_limit_is_refused()
    {
        var values = string.Join(", ", Enumerable.Range(1, 50));
        var error = SpecText.Error($"""
            name: huge
            architecture: linear
            space:
              encoding_dim: [{values}]
              batch_size: [{values}]
              epochs: [{values}]
            """, 4, "space", "the grid has more than 10,000 trials (50 encoding_dim × 50 batch_size × 50 epochs)");
        Assert.Contains("use search: random", error.Message);
    }

    [Fact]
    public void A_grid_at_the_limit_is_accepted()
    {
        var values = string.Join(", ", Enumerable.Range(1, 100));
        var spec = SpecText.Parse($"name: big\narchitecture: linear\nspace:\n  batch_size: [{values}]\n  epochs: [{values}]\n");
        Assert.Equal(SweepSpecParser.MaxGridSize, spec.GridSize);
    }

    [Fact]
    public void Trials_belong_to_random_search_only()
    {
        SpecText.Error("name: x\narchitecture: linear\nsearch: grid\ntrials: 5\n", 4, "trials", "a grid search runs every combination, so it takes no trial count");
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\n", 3, "trials", "random search needs a trial count: trials: N");
        SpecText.Error("name: x\narchitecture: linear\nsearch: random\ntrials: 0\n", 4, "trials", "must be at least 1, got 0");
    }

    [Fact]
    public void Name_is_required_and_well_formed()
    {
        SpecText.Error("architecture: linear\n", 1, "name", "required: give the sweep a name");
        SpecText.Error("name: My Sweep\narchitecture: linear\n", 1, "name", "must be 1 to 64 of a-z, 0-9, '.', '_', '-', got 'My Sweep'");
        SpecText.Error($"name: {new string('a', 65)}\narchitecture: linear\n", 1, "name", "must be 1 to 64");
    }

    [Fact]
    public void Architecture_is_required_somewhere()
    {
        SpecText.Error("name: x\nepochs: 2\n", 1, "architecture", "required: give one at the top level (architecture: linear) or several in space");
    }

    [Fact]
    public void Metric_mode_and_search_take_known_words()
    {
        SpecText.Error("name: x\narchitecture: linear\nmetric: mse\n", 3, "metric", "unknown metric 'mse'; expected one of test_mse, train_mse");
        SpecText.Error("name: x\narchitecture: linear\nmode: maximise\n", 3, "mode", "expected min or max, got 'maximise'");
        SpecText.Error("name: x\narchitecture: linear\nsearch: bayes\n", 3, "search", "expected grid, random, tpe or pbt, got 'bayes'");
    }

    [Fact]
    public void A_duplicate_key_points_at_the_second_and_names_the_first()
    {
        SpecText.Error("name: x\narchitecture: linear\nepochs: 2\nepochs: 3\n", 4, "epochs", "duplicate key 'epochs' (first given at line 3)");
        SpecText.Error("""{"name": "x", "architecture": "linear",\n "space": {"lr": [0.1], "lr": [0.2]}}""".Replace("\\n", "\n"),
            2, "space.lr", "duplicate key 'lr' (first given at line 2)", "x.json");
    }

    [Fact]
    public void A_yaml_syntax_error_has_a_line()
    {
        SpecText.Error("name: x\narchitecture: linear: deep\n", 2, null, "found invalid mapping");
        SpecText.Error("name: x\nspace:\n  lr: [0.1, 0.2\n", 4, null, "did not find expected ',' or ']'");
    }

    [Fact]
    public void A_yaml_error_the_scanner_cannot_place_points_at_the_last_good_position()
    {
        // YamlDotNet 18.1 throws a bare InvalidOperationException here; the reader turns it into a positioned error.
        var error = SpecText.Error("name: x\narchitecture: linear\nspace:\n  lr: [0.1, 0.2\nepochs: 3\n", 4, null, "is a '[' or '{' left open?");
        Assert.Equal(11, error.Column);
    }

    [Fact]
    public void A_json_syntax_error_has_a_line_and_column()
    {
        var error = SpecText.Error("{\n  \"name\": \"x\",\n  \"architecture\": linear\n}\n", 3, null, "", "x.json");
        Assert.Equal(19, error.Column);
        Assert.DoesNotContain("LineNumber", error.Problem);
    }

    [Fact]
    public void A_json_value_error_points_into_the_json()
    {
        SpecText.Error("{\n  \"name\": \"x\",\n  \"architecture\": \"linear\",\n  \"search\": \"random\",\n  \"trials\": 0\n}\n", 5, "trials", "must be at least 1, got 0", "x.json");
    }

    [Fact]
    public void A_file_must_hold_one_mapping()
    {
        SpecText.Error("", 1, null, "the file is empty");
        SpecText.Error("# only a comment\n", 1, null, "the file is empty");
        SpecText.Error("- name: x\n", 1, null, "expected a mapping of sweep settings");
        SpecText.Error("name: x\narchitecture: linear\n---\nname: y\n", 3, null, "one YAML document");
    }

    [Fact]
    public void Space_values_must_be_lists_or_distributions()
    {
        SpecText.Error("name: x\narchitecture: linear\nspace:\n  lr: 0.001\n", 4, "space.lr",
            "expected a list of values or one distribution like {loguniform: [1.0e-4, 1.0e-2]}, got 0.001; a single value belongs at the top level (lr: 0.001)");
        SpecText.Error("name: x\narchitecture: linear\nspace: [lr]\n", 3, "space", "expected a mapping from hyperparameter names");
        SpecText.Error("name: x\narchitecture: linear\nspace:\n  encoding_dim: []\n", 4, "space.encoding_dim", "needs at least one value");
    }

    [Fact]
    public void A_bad_item_in_a_space_list_is_named_by_its_index()
    {
        SpecText.Error("name: x\narchitecture: linear\nspace:\n  encoding_dim:\n    - 8\n    - sixteen\n", 6, "space.encoding_dim[1]", "expected an integer, got sixteen");
        SpecText.Error("name: x\narchitecture: linear\nspace:\n  encoding_dim: [8, 16, 8]\n", 4, "space.encoding_dim[2]", "lists 8 twice");
    }

    [Fact]
    public void Hidden_sizes_in_space_is_a_list_of_lists()
    {
        SpecText.Error("name: x\narchitecture: deep-mlp\nspace:\n  hidden_sizes: [256, 128]\n", 4, "space.hidden_sizes[0]",
            "expected a list of layer sizes like [256, 128], got 256; in space, hidden_sizes takes a list of such lists: [[256], [256, 128]]");
    }

    [Fact]
    public void Pruner_errors_name_the_setting()
    {
        SpecText.Error("name: x\narchitecture: linear\npruner: hyperband\n", 3, "pruner", "unknown pruner 'hyperband'");
        SpecText.Error("name: x\narchitecture: linear\npruner: {hyper: {}}\n", 3, "pruner", "unknown pruner");
        SpecText.Error("name: x\narchitecture: linear\npruner: medain\n", 3, "pruner", "did you mean 'median'?");
        SpecText.Error("name: x\narchitecture: linear\npruner:\n  median:\n    warmup_steps: 2\n", 5, "pruner.median.warmup_steps",
            "unknown key 'warmup_steps'; did you mean 'warmup_epochs'?");
        SpecText.Error("name: x\narchitecture: linear\npruner: {asha: {reduction_factor: 1}}\n", 3, "pruner.asha.reduction_factor", "must be at least 2, got 1");
        SpecText.Error("name: x\narchitecture: linear\npruner: {median: {interval: 0}}\n", 3, "pruner.median.interval", "must be at least 1, got 0");
        SpecText.Error("name: x\narchitecture: linear\npruner: [median]\n", 3, "pruner", "expected none, median or asha");
        SpecText.Error("name: x\narchitecture: linear\npruner: {none: {x: 1}}\n", 3, "pruner.none", "pruner none takes no settings");
    }
}
