using AeGrid.Grains.Samplers;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>`search: pbt` and `pbt:` in sweep files: defaults, the initial population, and every refusal with its line.</summary>
public sealed class PbtSpecTests
{
    private const string Head = "name: p\narchitecture: denoise-mlp\nepochs: 12\nsearch: pbt\ntrials: 8\n";
    private const string Space = "space:\n  lr: {loguniform: [0.0001, 0.03]}\n  noise_factor: {uniform: [0.2, 0.7]}\n";

    [Fact]
    public void Pbt_settings_default_to_ray_tunes_and_the_population_is_random_draws()
    {
        var spec = SpecText.Parse(Head + Space);

        Assert.Equal(SearchKind.Pbt, spec.Search);
        Assert.Equal(new PbtSpec(2, 0.25, 0.25), spec.Pbt);
        var population = SamplerFactory.Create(spec).Next([], spec.InitialTrialCount);
        Assert.Equal(8, population.Count);
        var random = new RandomSampler(spec with { Search = SearchKind.Random, Pbt = null });
        Assert.Equal(Enumerable.Range(0, 8).Select(i => random.At(i).LearningRate), population.Select(p => p.LearningRate));
    }

    [Fact]
    public void Pbt_settings_are_read()
    {
        var spec = SpecText.Parse(Head + "pbt: {perturbation_interval: 3, quantile: 0.5, resample_probability: 0}\n" + Space);
        Assert.Equal(new PbtSpec(3, 0.5, 0), spec.Pbt);
        Assert.Null(SpecText.Parse("name: r\narchitecture: linear\nsearch: random\ntrials: 2\n" + Space).Pbt);
    }

    [Fact]
    public void A_shape_parameter_in_a_pbt_space_is_refused_at_its_line() =>
        SpecText.Error(Head + "space:\n  lr: {loguniform: [0.0001, 0.03]}\n  encoding_dim: [16, 32]\n", 8, "space.encoding_dim",
            "search: pbt cannot vary encoding_dim: a trial continues from another's checkpoint, so only lr, noise_factor, clip_noise, batch_size may vary");

    [Theory]
    [InlineData("pbt: {quantile: 0.7}\n", 6, "pbt.quantile", "must be more than 0 and at most 0.5")]
    [InlineData("pbt: {quantile: 0}\n", 6, "pbt.quantile", "must be more than 0")]
    [InlineData("pbt: {resample_probability: 1.5}\n", 6, "pbt.resample_probability", "must be from 0 to 1")]
    [InlineData("pbt: {perturbation_interval: 0}\n", 6, "pbt.perturbation_interval", "must be at least 1")]
    [InlineData("pbt: {perturbation_interval: 12}\n", 6, "pbt.perturbation_interval", "must be less than epochs (12)")]
    [InlineData("pbt: {perturbation_intervall: 2}\n", 6, "pbt.perturbation_intervall", "perturbation_interval")]
    [InlineData("pruner: median\n", 6, "pruner", "search: pbt takes no pruner")]
    public void Bad_pbt_settings_name_key_and_line(string line, int at, string key, string message) =>
        SpecText.Error(Head + line + Space, at, key, message);

    [Fact]
    public void Pbt_settings_need_search_pbt_and_a_population()
    {
        SpecText.Error("name: r\narchitecture: linear\nsearch: random\ntrials: 2\npbt: {quantile: 0.25}\n" + Space, 5, "pbt", "pbt settings need search: pbt");
        SpecText.Error("name: p\narchitecture: linear\nsearch: pbt\n" + Space, 3, "trials", "pbt search needs a population size");
        SpecText.Error("name: p\narchitecture: linear\nsearch: pbt\ntrials: 1\n" + Space, 1, "trials", "at least 2 trials");
    }
}
