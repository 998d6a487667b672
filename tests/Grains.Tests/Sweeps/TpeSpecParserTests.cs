using AeGrid.Grains.Samplers.Tpe;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

public sealed class TpeSpecParserTests
{
    private const string Head = "name: t\narchitecture: linear\nsearch: tpe\n";

    [Fact]
    public void Tpe_takes_a_budget_and_optunas_defaults()
    {
        var spec = SpecText.Parse(Head + "trials: 40\nspace:\n  lr: {loguniform: [1.0e-4, 1.0e-2]}\n");

        Assert.Equal(SearchKind.Tpe, spec.Search);
        Assert.Equal(40, spec.Trials);
        Assert.Equal(new TpeOptions(10, 24), spec.Tpe);
        Assert.Equal(0, spec.InitialTrialCount);
        Assert.IsType<TpeSampler>(AeGrid.Grains.Samplers.SamplerFactory.Create(spec));
    }

    [Fact]
    public void Tpe_settings_are_read()
    {
        var spec = SpecText.Parse(Head + "trials: 40\ntpe: {startup_trials: 5, candidates: 64}\nspace:\n  lr: {loguniform: [1.0e-4, 1.0e-2]}\n");
        Assert.Equal(new TpeOptions(5, 64), spec.Tpe);
    }

    [Theory]
    [InlineData("tpe: {candidates: 0}\n", 5, "tpe.candidates", "must be at least 1, got 0")]
    [InlineData("tpe: {startup_trials: -1}\n", 5, "tpe.startup_trials", "must be at least 0, got -1")]
    [InlineData("tpe: {startup: 3}\n", 5, "tpe.startup", "did you mean 'startup_trials'?")]
    [InlineData("tpe: {candidates: many}\n", 5, "tpe.candidates", "expected an integer")]
    [InlineData("tpe: 12\n", 5, "tpe", "expected a mapping of TPE settings")]
    public void Bad_tpe_settings_name_the_key_and_line(string line, int lineNumber, string key, string message)
    {
        SpecText.Error(Head + "trials: 40\n" + line + "space:\n  lr: {loguniform: [1.0e-4, 1.0e-2]}\n", lineNumber, key, message);
    }

    [Fact]
    public void Tpe_needs_a_budget()
    {
        SpecText.Error(Head + "space:\n  lr: {loguniform: [1.0e-4, 1.0e-2]}\n", 3, "trials", "tpe search needs a trial budget: trials: N");
    }

    [Fact]
    public void Tpe_settings_belong_to_tpe_search()
    {
        SpecText.Error("name: t\narchitecture: linear\nsearch: random\ntrials: 4\ntpe: {candidates: 8}\nspace:\n  lr: {uniform: [0.001, 0.01]}\n",
            5, "tpe", "tpe settings apply to search: tpe only");
    }

    [Fact]
    public void An_unknown_search_lists_tpe()
    {
        SpecText.Error("name: t\narchitecture: linear\nsearch: bayes\n", 3, "search", "expected grid, random, tpe or pbt, got 'bayes'");
    }

    [Fact]
    public void A_long_unknown_search_is_quoted_short()
    {
        var error = SpecText.Error($"name: t\narchitecture: linear\nsearch: {new string('x', 5000)}\n", 3, "search", "expected grid, random, tpe or pbt, got 'xxx");
        Assert.True(error.Message.Length < 200, error.Message);
    }
}
