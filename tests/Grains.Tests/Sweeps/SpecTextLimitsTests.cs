using System.Diagnostics;
using System.Text;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>
/// Hostile sweep files: far too deep, far too big, alias bombs, huge trial counts. Each is refused with one line naming
/// the file and the bound, quickly, and never by crashing the process (a deep file used to overflow the stack).
/// </summary>
public sealed class SpecTextLimitsTests
{
    private const string Head = "name: x\narchitecture: linear\n";

    private static SweepSpecException Refused(string text, string messagePart, string sourceName = "deep.yaml")
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<SweepSpecException>(() => SweepSpecParser.Parse(text, sourceName));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.StartsWith($"{sourceName}:", error.Message);
        Assert.Contains(messagePart, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    [Theory]
    [InlineData('[', ']')]
    [InlineData('{', '}')]
    public void Two_hundred_thousand_open_brackets_are_refused_before_the_yaml_reader(char open, char close)
    {
        Refused(Head + "space: " + new string(open, 200_000), $"nested more than {SpecTextLimits.MaxDepth} levels");
        Refused(Head + "lr: " + new string(open, 50) + new string(close, 50), $"nested more than {SpecTextLimits.MaxDepth} levels");
    }

    [Fact]
    public void Deep_json_is_refused_before_the_json_reader()
    {
        var deep = "{\"name\": \"x\", \"space\": " + string.Concat(Enumerable.Repeat("{\"a\": ", 100_000));
        Refused(deep, "nested more than 32 levels", "deep.json");
    }

    [Fact]
    public void Deep_block_nesting_by_indentation_or_dashes_is_refused()
    {
        var indented = new StringBuilder(Head);
        for (var i = 0; i < 40; i++) indented.Append(new string(' ', 2 * i)).Append($"k{i}:\n");
        Refused(indented.ToString(), "nested more than 32 levels");
        Refused(Head + "space:\n  lr:\n    " + string.Concat(Enumerable.Repeat("- ", 40)) + "1\n", "nested more than 32 levels");
    }

    [Fact]
    public void Brackets_hidden_in_quotes_comments_or_block_scalars_do_not_count_but_a_stray_apostrophe_hides_nothing()
    {
        var many = new string('[', 100);
        // Not depth errors: they fail later, on what the values mean.
        foreach (var harmless in new[]
                 {
                     $"name: \"{many}\"\narchitecture: linear\n",
                     $"name: '{many}'\narchitecture: linear\n",
                     $"name: x # {many}\narchitecture: linear\n",
                     $"name: |\n  {many}\n  ]]]\narchitecture: linear\n",
                 })
        {
            var error = Record.Exception(() => SweepSpecParser.Parse(harmless, "ok.yaml"));
            Assert.True(error is null or SweepSpecException, $"{error}");
            Assert.DoesNotContain("nested more than", error?.Message ?? "");
        }
        // In YAML "it's" is a plain scalar, not the start of a quote that would swallow what follows.
        Refused("name: it's\nspace: " + new string('[', 1000), "nested more than 32 levels");
        Refused("name: a\n  b 'c\nspace: " + new string('[', 1000), "nested more than 32 levels");
    }

    [Fact]
    public void A_file_over_one_mebibyte_is_refused_naming_the_bound()
    {
        var big = Head + "# " + new string('x', SpecTextLimits.MaxBytes) + "\n";
        Refused(big, "larger than 1,048,576 bytes (1 MiB)", "big.yaml");
        var multibyte = Head + "# " + new string('é', SpecTextLimits.MaxBytes / 2) + "\n"; // two UTF-8 bytes each
        Refused(multibyte, "larger than 1,048,576 bytes", "big.yaml");
    }

    [Fact]
    public void An_alias_bomb_is_refused_quickly()
    {
        // Ten levels of ten aliases each: 10^10 leaves if anything expanded the tree (the error message quoting it did).
        var levels = new List<string> { "&a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 10; i++) levels.Add($"&a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        var bomb = $"[{string.Join(", ", levels)}]";
        Refused($"architecture: linear\nname: {bomb}\n", "name: expected text, got the list [[x, x,", "bomb.yaml");
        Refused($"name: bomb\narchitecture: linear\nspace:\n  lr: {bomb}\n", "space.lr[0]: expected a number", "bomb.yaml");
    }

    [Fact]
    public void A_billion_random_trials_or_a_list_longer_than_the_trial_bound_are_refused_quickly()
    {
        Refused(Head + "search: random\ntrials: 1000000000\nspace:\n  lr: {loguniform: [0.001, 0.1]}\n",
            $"must be at most {SweepSpecParser.MaxTrials}", "many.yaml");
        var seeds = string.Join(", ", Enumerable.Range(0, 20_000));
        Refused(Head + $"space:\n  seed: [{seeds}]\n", "lists 20,000 values; a sweep may have at most 10,000 trials", "many.yaml");
    }

    [Fact]
    public void Real_files_of_moderate_depth_still_parse()
    {
        var spec = SweepSpecParser.Parse(
            "name: ok\narchitecture: deep-mlp\npruner: {median: {startup_trials: 1}}\nspace:\n  hidden_sizes:\n    - [128, 64]\n    - - 32\n      - 16\n",
            "ok.yaml");
        Assert.Equal(2, spec.GridSize);
    }

    [Fact]
    public void The_readers_bound_depth_themselves_behind_the_pre_scan()
    {
        // Called directly, past SpecTextLimits: the YAML reader counts the parser's events, System.Text.Json its MaxDepth.
        var yaml = Assert.Throws<SweepSpecException>(() => YamlSpecReader.Read("a: " + new string('[', 10_000), "deep.yaml"));
        Assert.Contains($"nested more than {SpecTextLimits.MaxDepth} levels", yaml.Message);
        var json = Assert.Throws<SweepSpecException>(() => JsonSpecReader.Read(new string('[', 10_000), "deep.json"));
        Assert.StartsWith("deep.json:1:", json.Message);
        Assert.Contains("depth", json.Message);
    }
}
