using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Sweeps;
using AeGrid.Grains.Tests.Sweeps;

namespace AeGrid.Grains.Tests.Samplers;

public sealed class RandomSamplerTests
{
    private static SweepSpec Spec(long seed = 1, string space = """
          lr: {loguniform: [1.0e-4, 1.0e-2]}
          noise_factor: {uniform: [0.2, 0.8]}
          batch_size: {int: [16, 18]}
          optimizer: [adam, sgd]
        """) => SpecText.Parse($"name: r\narchitecture: denoise-mlp\nsearch: random\ntrials: 10\nseed: {seed}\nspace:\n{space}");

    [Fact]
    public void The_same_spec_gives_the_same_trials()
    {
        var first = new RandomSampler(Spec()).Next([], 50);
        var second = new RandomSampler(Spec()).Next([], 50);
        Assert.Equal(Json(first), Json(second));
    }

    [Fact]
    public void Another_seed_gives_other_trials()
    {
        var one = new RandomSampler(Spec(seed: 1)).Next([], 10);
        var two = new RandomSampler(Spec(seed: 2)).Next([], 10);
        Assert.Empty(one.Select(t => t.LearningRate).Intersect(two.Select(t => t.LearningRate)));
    }

    [Fact]
    public void Extending_continues_the_sequence_without_repeating_earlier_draws()
    {
        var sampler = new RandomSampler(Spec());
        var twenty = sampler.Next([], 20);

        var first = sampler.Next([], 8);
        var extension = sampler.Next(first, 12);

        Assert.Equal(Json(twenty), Json([.. first, .. extension]));
        Assert.Empty(extension.Select(t => t.LearningRate).Intersect(first.Select(t => t.LearningRate)));
    }

    [Fact]
    public void Draws_are_pinned_across_runtimes()
    {
        // SplitMix64 is fully specified, so draws never change with the .NET version and a stored sweep extends the
        // same. The expected values were computed by an independent Python SplitMix64 (seed 1, draw 0):
        // lr = exp(ln 1e-4 + u1·ln 100), noise = 0.2 + 0.6·u2, batch = 16 + ⌊3·x3/2^64⌋, optimizer = [adam, sgd][⌊2·x4/2^64⌋].
        var trial = new RandomSampler(Spec()).Next([], 1)[0];
        Assert.Equal(HyperparametersJson.Serialize(trial), HyperparametersJson.Serialize(new RandomSampler(Spec()).At(0)));
        Assert.Equal(0.0003249154824426204, trial.LearningRate!.Value, 1e-18);
        Assert.Equal(0.25299431420689006, trial.NoiseFactor!.Value, 1e-16);
        Assert.Equal(16, trial.BatchSize);
        Assert.Equal("sgd", trial.Optimizer);
    }

    [Fact]
    public void Loguniform_is_uniform_in_log_space_and_within_bounds()
    {
        var rates = new RandomSampler(Spec()).Next([], 4000).Select(t => t.LearningRate!.Value).ToArray();

        Assert.All(rates, lr => Assert.InRange(lr, 1e-4, 1e-2));
        // Each decade gets half the draws; a plain uniform would put only ~9% below 1e-3.
        var belowGeometricMean = rates.Count(lr => lr < 1e-3) / (double)rates.Length;
        Assert.InRange(belowGeometricMean, 0.46, 0.54);
        var logs = rates.Select(Math.Log10).ToArray();
        Assert.InRange(logs.Average(), -3.05, -2.95);
    }

    [Fact]
    public void Uniform_stays_within_bounds_with_the_midpoint_as_mean()
    {
        var noise = new RandomSampler(Spec()).Next([], 4000).Select(t => t.NoiseFactor!.Value).ToArray();
        Assert.All(noise, x => Assert.InRange(x, 0.2, 0.8));
        Assert.InRange(noise.Average(), 0.49, 0.51);
    }

    [Fact]
    public void Int_includes_both_ends_evenly()
    {
        var sizes = new RandomSampler(Spec()).Next([], 3000).Select(t => t.BatchSize!.Value).ToArray();
        Assert.Equal([16, 17, 18], sizes.Distinct().Order());
        Assert.All(sizes.GroupBy(s => s), g => Assert.InRange(g.Count(), 900, 1100));
    }

    [Fact]
    public void Lists_pick_every_choice_evenly()
    {
        var optimizers = new RandomSampler(Spec()).Next([], 2000).Select(t => t.Optimizer).ToArray();
        Assert.InRange(optimizers.Count(o => o == "adam"), 900, 1100);
        Assert.Equal(2000, optimizers.Count(o => o is "adam" or "sgd"));
    }

    [Fact]
    public void Fixed_values_and_the_spec_seed_go_to_every_trial()
    {
        var spec = SpecText.Parse("name: r\narchitecture: linear\nepochs: 4\nseed: 9\nsearch: random\ntrials: 3\nspace:\n  encoding_dim: {int: [8, 64]}\n");
        Assert.All(new RandomSampler(spec).Next([], 20), t =>
        {
            Assert.Equal("linear", t.Architecture);
            Assert.Equal(4, t.Epochs);
            Assert.Equal(9, t.Seed);
            Assert.InRange(t.EncodingDim!.Value, 8, 64);
        });
    }

    [Fact]
    public void The_factory_picks_the_sampler_the_spec_names()
    {
        Assert.IsType<RandomSampler>(SamplerFactory.Create(Spec()));
        Assert.IsType<GridSampler>(SamplerFactory.Create(SpecText.Parse("name: g\narchitecture: linear\n")));
    }

    private static string[] Json(IEnumerable<Hyperparameters> trials) => [.. trials.Select(HyperparametersJson.Serialize)];
}
