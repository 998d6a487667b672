using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Samplers.Tpe;
using AeGrid.Grains.Sweeps;
using AeGrid.Grains.Tests.Sweeps;

namespace AeGrid.Grains.Tests.Samplers;

public sealed class TpeSamplerTests
{
    private static readonly long[] Seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    [Fact]
    public void Tpe_finds_better_trials_than_random_search_on_the_median_seed()
    {
        var tpe = Seeds.Select(seed => TpeObjectives.RunSequential(TpeObjectives.Mixed("tpe", seed), 60).Min(r => r.Value)).ToList();
        var random = Seeds.Select(seed => TpeObjectives.RunSequential(TpeObjectives.Mixed("random", seed), 60).Min(r => r.Value)).ToList();

        Assert.True(Median(tpe) < Median(random), $"median best after 60: tpe {Median(tpe):0.0000}, random {Median(random):0.0000}");
    }

    [Fact]
    public void The_best_architecture_is_found_and_then_proposed_most()
    {
        foreach (var seed in Seeds.Take(5))
        {
            var results = TpeObjectives.RunSequential(TpeObjectives.Mixed("tpe", seed), 60);
            var late = results.Skip(30).Count(r => r.Parameters.Architecture == "conv-denoise");
            Assert.True(late > 15, $"seed {seed}: conv-denoise in {late} of the last 30 proposals");
        }
    }

    [Fact]
    public void A_loguniform_parameter_is_searched_in_log_space()
    {
        // The best lr (1e-3) sits two decades above the low end of [1e-5, 1e-1], i.e. at 0.01 of the range in linear terms:
        // a linear-space estimator could not concentrate there; in log space the late proposals cluster around -3.
        var lateDecades = Seeds.Take(5).SelectMany(seed => TpeObjectives.RunSequential(TpeObjectives.Mixed("tpe", seed), 60).Skip(40))
            .Select(r => Math.Log10(r.Parameters.LearningRate!.Value)).ToList();

        Assert.All(lateDecades, d => Assert.InRange(d, -5, -1));
        Assert.InRange(Median(lateDecades), -3.7, -2.3);
    }

    [Fact]
    public void Integers_stay_integers_within_both_bounds_and_reach_both_ends()
    {
        var spec = SpecText.Parse("""
            name: ints
            architecture: linear
            search: tpe
            trials: 200
            tpe: {startup_trials: 3}
            space:
              batch_size: {int: [16, 20]}
            """);
        var sampler = new TpeSampler(spec);
        var history = new TpeHistory(spec);
        var seen = new HashSet<int>();
        for (var number = 0; number < 150; number++)
        {
            var parameters = sampler.Propose(number, history);
            var batch = parameters.BatchSize!.Value;
            Assert.InRange(batch, 16, 20);
            seen.Add(batch);
            history.AddObserved(parameters, Math.Abs(batch - 18)); // best inside, so proposals also visit the ends as TPE explores
        }
        Assert.Equal([16, 17, 18, 19, 20], seen.Order());
    }

    [Fact]
    public void Pending_trials_count_as_worst_so_concurrent_proposals_spread_out()
    {
        var spec = SpecText.Parse("""
            name: liar
            architecture: denoise-mlp
            search: tpe
            trials: 100
            tpe: {startup_trials: 10, candidates: 24}
            space:
              hidden_sizes: [[32], [64], [128], [256]]
              batch_size: [16, 32, 64, 128]
            """);
        var sampler = new TpeSampler(spec);
        double Value(Hyperparameters p) => (p.HiddenSizes!.Value[0] == 128 ? 0 : 1) + (p.BatchSize == 32 ? 0 : 1);
        var observed = new List<Hyperparameters>();
        for (var number = 0; number < 12; number++) observed.Add(new RandomSampler(spec with { Search = SearchKind.Random }).At(number));

        TpeHistory History()
        {
            var history = new TpeHistory(spec);
            foreach (var p in observed) history.AddObserved(p, Value(p));
            return history;
        }

        // Without the lie, six proposals made at once from the same results all go to the one best combination...
        var honest = Enumerable.Range(12, 6).Select(n => Label(sampler.Propose(n, History()))).ToList();
        Assert.Single(honest.Distinct());
        // ...with the pending ones counted as worst, they spread out.
        var liar = History();
        var spread = new List<string>();
        for (var number = 12; number < 18; number++)
        {
            var proposal = sampler.Propose(number, liar);
            liar.AddPending(proposal);
            spread.Add(Label(proposal));
        }
        Assert.True(spread.Distinct().Count() >= 2, $"proposals: {string.Join("; ", spread)}");
    }

    private static string Label(Hyperparameters p) => HyperparametersJson.Serialize(p);

    [Fact]
    public void The_same_history_and_seed_give_the_same_proposal_and_another_seed_another()
    {
        var results = TpeObjectives.RunSequential(TpeObjectives.Mixed("tpe", 3), 30);
        Hyperparameters ProposeAfter(long seed)
        {
            var spec = TpeObjectives.Mixed("tpe", seed);
            var history = new TpeHistory(spec);
            foreach (var (parameters, value) in results) history.AddObserved(parameters, value);
            return new TpeSampler(spec).Propose(30, history);
        }

        Assert.Equal(Label(ProposeAfter(3)), Label(ProposeAfter(3)));
        Assert.NotEqual(Label(ProposeAfter(3)), Label(ProposeAfter(4)));
    }

    [Fact]
    public void Start_up_trials_are_the_random_draws_of_the_same_numbers()
    {
        var spec = TpeObjectives.Mixed("tpe", 5, tpe: "tpe: {startup_trials: 4}");
        var random = new RandomSampler(spec);
        var history = new TpeHistory(spec);
        for (var number = 0; number < 4; number++)
        {
            var proposal = new TpeSampler(spec).Propose(number, history);
            Assert.Equal(Label(random.At(number)), Label(proposal));
            history.AddObserved(proposal, TpeObjectives.Objective(proposal));
        }
        Assert.NotEqual(Label(random.At(4)), Label(new TpeSampler(spec).Propose(4, history)));
    }

    [Fact]
    public void Conditional_parameters_are_proposed_only_with_the_architecture_that_has_them()
    {
        var results = TpeObjectives.RunSequential(TpeObjectives.Mixed("tpe", 2), 80);

        Assert.Equal(["conv-denoise", "denoise-mlp", "linear"], results.Select(r => r.Parameters.Architecture).Distinct().Order());
        foreach (var (p, _) in results)
        {
            Assert.Equal(p.Architecture == "denoise-mlp", p.HiddenSizes is not null);
            Assert.Equal(p.Architecture != "linear", p.NoiseFactor is not null);
            if (p.NoiseFactor is { } noise) Assert.InRange(noise, 0.1, 0.9);
        }
    }

    [Fact]
    public void Maximising_sweeps_prefer_the_larger_values()
    {
        var spec = SpecText.Parse("""
            name: up
            architecture: linear
            metric: nmi
            mode: max
            search: tpe
            trials: 60
            space:
              noise_factor: {uniform: [0.0, 1.0]}
            """);
        var sampler = new TpeSampler(spec);
        var history = new TpeHistory(spec);
        var late = new List<double>();
        for (var number = 0; number < 60; number++)
        {
            var p = sampler.Propose(number, history);
            history.AddObserved(p, p.NoiseFactor!.Value); // bigger is better: the best is 1.0
            if (number >= 40) late.Add(p.NoiseFactor!.Value);
        }
        Assert.True(Median(late) > 0.7, $"median of the late proposals {Median(late):0.000}");
    }
}
