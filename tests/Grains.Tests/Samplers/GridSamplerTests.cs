using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Sweeps;
using AeGrid.Grains.Tests.Sweeps;

namespace AeGrid.Grains.Tests.Samplers;

public sealed class GridSamplerTests
{
    private static readonly SweepSpec Spec = SpecText.Parse("""
        name: grid
        dataset: fashion-mnist
        seed: 5
        space:
          architecture: [linear, deep-mlp]
          encoding_dim: [8, 16, 32]
          lr: [0.001, 0.01]
        """);

    [Fact]
    public void The_grid_is_the_product_with_the_first_key_outermost()
    {
        var trials = new GridSampler(Spec).Next([], 100);

        Assert.Equal(12, trials.Count);
        Assert.Equal(
            [
                "linear/8/0.001", "linear/8/0.01", "linear/16/0.001", "linear/16/0.01", "linear/32/0.001", "linear/32/0.01",
                "deep-mlp/8/0.001", "deep-mlp/8/0.01", "deep-mlp/16/0.001", "deep-mlp/16/0.01", "deep-mlp/32/0.001", "deep-mlp/32/0.01",
            ],
            trials.Select(t => $"{t.Architecture}/{t.EncodingDim}/{t.LearningRate}"));
    }

    [Fact]
    public void Every_trial_gets_the_fixed_values_and_the_spec_seed()
    {
        var trials = new GridSampler(Spec).Next([], 100);
        Assert.All(trials, t =>
        {
            Assert.Equal("fashion-mnist", t.Dataset);
            Assert.Equal(5, t.Seed);
        });
    }

    [Fact]
    public void Asking_in_pieces_gives_the_same_trials_and_a_finished_grid_adds_nothing()
    {
        var sampler = new GridSampler(Spec);
        var all = sampler.Next([], 12);

        var first = sampler.Next([], 5);
        var rest = sampler.Next(first, 100);

        Assert.Equal(Json(all), Json([.. first, .. rest]));
        Assert.Empty(sampler.Next(all, 10));
        Assert.Equal(Json(all.Skip(7).Take(2)), Json(sampler.Next([.. all.Take(7)], 2)));
    }

    [Fact]
    public void Seed_in_the_space_repeats_the_grid_over_seeds()
    {
        var spec = SpecText.Parse("name: s\narchitecture: linear\nspace:\n  encoding_dim: [8, 16]\n  seed: [1, 2, 3]\n");
        var trials = new GridSampler(spec).Next([], 10);
        Assert.Equal([1, 2, 3, 1, 2, 3], trials.Select(t => t.Seed));
    }

    [Fact]
    public void An_empty_space_is_one_trial()
    {
        var spec = SpecText.Parse("name: one\narchitecture: conv-denoise\nepochs: 3\n");
        var trial = Assert.Single(new GridSampler(spec).Next([], 10));
        Assert.Equal("""{"architecture":"conv-denoise","epochs":3,"seed":1}""", HyperparametersJson.Serialize(trial));
    }

    [Fact]
    public void Next_trials_are_numbered_on_with_ids_from_the_sweep()
    {
        var sampler = SamplerFactory.Create(Spec);
        var first = sampler.NextTrials("sw1", [], 3);
        var more = sampler.NextTrials("sw1", first, 2);

        Assert.Equal(["sw1-t0000", "sw1-t0001", "sw1-t0002"], first.Select(t => t.TrialId));
        Assert.Equal([3, 4], more.Select(t => t.Number));
        Assert.Equal("sw1-t0003", more[0].TrialId);
        Assert.All(more, t => Assert.Equal("sw1", t.SweepId));
    }

    [Fact]
    public void Next_trials_refuses_gaps_in_the_numbering()
    {
        var sampler = SamplerFactory.Create(Spec);
        var created = sampler.NextTrials("sw1", [], 3);
        Assert.Throws<ArgumentException>(() => sampler.NextTrials("sw1", [created[0], created[2]], 1));
    }

    private static string[] Json(IEnumerable<Hyperparameters> trials) => [.. trials.Select(HyperparametersJson.Serialize)];
}
