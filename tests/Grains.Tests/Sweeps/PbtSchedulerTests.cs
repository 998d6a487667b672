using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>The exploit decision: who is exploited, who may donate, and how hyperparameters are perturbed.</summary>
public sealed class PbtSchedulerTests
{
    private static SweepSpec Spec(double resample = 0.25, string mode = "min", string extraSpace = "") => SpecText.Parse($"""
        name: p
        architecture: denoise-mlp
        epochs: 12
        mode: {mode}
        search: pbt
        trials: 8
        seed: 7
        pbt: {"{"}perturbation_interval: 2, quantile: 0.25, resample_probability: {resample}{"}"}
        space:
          lr: {"{"}loguniform: [0.0001, 0.03]{"}"}
          noise_factor: {"{"}uniform: [0.2, 0.7]{"}"}
        {extraSpace}
        """);

    private static TrialConfig Trial(SweepSpec spec, int number) =>
        new(TrialConfig.MakeId("s", number), "s", number, SamplerFactory.Create(spec).Next([], 8)[number]);

    /// <summary>Eight members scored 0.1 (t0, best) … 0.8 (t7, worst), each with a snapshot unless listed.</summary>
    private static List<PbtMember> Population(params int[] withoutSnapshot) =>
        [.. Enumerable.Range(0, 8).Select(n => new PbtMember(TrialConfig.MakeId("s", n), 0.1 * (n + 1), !withoutSnapshot.Contains(n)))];

    [Fact]
    public void Only_the_bottom_quantile_is_exploited_and_only_at_perturbation_epochs_before_the_last()
    {
        var spec = Spec();
        var scheduler = new PbtScheduler(spec);
        Assert.Equal(2, scheduler.QuantileSize(8));
        Assert.Equal(1, scheduler.QuantileSize(3)); // ceil(0.75) = 1, at most half
        Assert.Equal(0, scheduler.QuantileSize(1));

        for (int n = 0; n < 6; n++) Assert.Null(scheduler.Decide(Trial(spec, n), 4, 12, Population()));
        Assert.NotNull(scheduler.Decide(Trial(spec, 6), 4, 12, Population()));
        Assert.NotNull(scheduler.Decide(Trial(spec, 7), 4, 12, Population()));
        Assert.Null(scheduler.Decide(Trial(spec, 7), 3, 12, Population()));  // not a multiple of the interval
        Assert.Null(scheduler.Decide(Trial(spec, 7), 12, 12, Population())); // nothing follows the last epoch
    }

    [Fact]
    public void Donors_come_from_the_top_quantile_and_a_member_without_a_snapshot_is_never_one()
    {
        var spec = Spec();
        var scheduler = new PbtScheduler(spec);
        var donors = Enumerable.Range(0, 50)
            .Select(seed => new PbtScheduler(spec with { Seed = seed }).Decide(Trial(spec, 7), 4, 12, Population())!.DonorId).ToHashSet();
        Assert.Equal(new[] { "s-t0000", "s-t0001" }.ToHashSet(), donors);

        // The best trial has no snapshot at this epoch (Ray's #27170): always the second.
        for (int seed = 0; seed < 50; seed++)
            Assert.Equal("s-t0001", new PbtScheduler(spec with { Seed = seed }).Decide(Trial(spec, 7), 4, 12, Population(withoutSnapshot: 0))!.DonorId);
        Assert.Null(scheduler.Decide(Trial(spec, 7), 4, 12, Population(withoutSnapshot: [0, 1])));
    }

    [Fact]
    public void Maximising_turns_the_ranking_and_nan_ranks_last()
    {
        var spec = Spec(mode: "max");
        var scheduler = new PbtScheduler(spec);
        Assert.Null(scheduler.Decide(Trial(spec, 7), 4, 12, Population()));
        Assert.NotNull(scheduler.Decide(Trial(spec, 0), 4, 12, Population()));

        var withNan = Population();
        withNan[3] = withNan[3] with { Score = double.NaN };
        Assert.NotNull(scheduler.Decide(Trial(spec, 3), 4, 12, withNan));
    }

    [Fact]
    public void Without_resampling_each_number_is_multiplied_by_0_8_or_1_2_within_its_range()
    {
        var spec = Spec(resample: 0);
        var factors = new HashSet<double>();
        for (int seed = 0; seed < 40; seed++)
        {
            var seeded = spec with { Seed = seed };
            var recipient = Trial(spec, 7) with { Parameters = Trial(spec, 7).Parameters with { LearningRate = 0.001, NoiseFactor = 0.4 } };
            var decision = new PbtScheduler(seeded).Decide(recipient, 2, 12, Population())!;
            factors.Add(Math.Round(decision.NewParameters.LearningRate!.Value / 0.001, 6));
            factors.Add(Math.Round(decision.NewParameters.NoiseFactor!.Value / 0.4, 6));
            Assert.Equal(recipient.Parameters with { LearningRate = null, NoiseFactor = null, HiddenSizes = null },
                decision.NewParameters with { LearningRate = null, NoiseFactor = null, HiddenSizes = null });
        }
        Assert.Equal(new HashSet<double> { 0.8, 1.2 }, factors);

        // At the range's edge a perturbation stays inside it.
        for (int seed = 0; seed < 20; seed++)
        {
            var edge = Trial(spec, 7) with { Parameters = Trial(spec, 7).Parameters with { LearningRate = 0.03, NoiseFactor = 0.2 } };
            var decision = new PbtScheduler(spec with { Seed = seed }).Decide(edge, 2, 12, Population())!;
            Assert.InRange(decision.NewParameters.LearningRate!.Value, 0.0001, 0.03);
            Assert.InRange(decision.NewParameters.NoiseFactor!.Value, 0.2, 0.7);
        }
    }

    [Fact]
    public void Resampling_draws_within_the_spaces_bounds_and_list_values_move_to_a_neighbour()
    {
        var always = Spec(resample: 1);
        for (int seed = 0; seed < 30; seed++)
        {
            var recipient = Trial(always, 7) with { Parameters = Trial(always, 7).Parameters with { LearningRate = 0.001, NoiseFactor = 0.4 } };
            var p = new PbtScheduler(always with { Seed = seed }).Decide(recipient, 2, 12, Population())!.NewParameters;
            Assert.InRange(p.LearningRate!.Value, 0.0001, 0.03);
            Assert.InRange(p.NoiseFactor!.Value, 0.2, 0.7);
            Assert.NotEqual(0.001 * 0.8, p.LearningRate!.Value, 12);
            Assert.NotEqual(0.001 * 1.2, p.LearningRate!.Value, 12);
        }

        var listed = Spec(resample: 0, extraSpace: "  batch_size: [32, 64, 128]");
        var moved = Enumerable.Range(0, 30).Select(seed =>
        {
            var recipient = Trial(listed, 7) with { Parameters = Trial(listed, 7).Parameters with { BatchSize = 64 } };
            return new PbtScheduler(listed with { Seed = seed }).Decide(recipient, 2, 12, Population())!.NewParameters.BatchSize;
        }).ToHashSet();
        Assert.Equal(new HashSet<int?> { 32, 128 }, moved);
    }

    [Fact]
    public void The_same_sweep_seed_trial_and_epoch_give_the_same_decision()
    {
        var spec = Spec();
        var first = new PbtScheduler(spec).Decide(Trial(spec, 6), 4, 12, Population());
        var again = new PbtScheduler(SpecText.Parse(SpecTextOf(spec))).Decide(Trial(spec, 6), 4, 12, Population().AsEnumerable().Reverse().ToList());
        Assert.Equal(first!.DonorId, again!.DonorId);
        Assert.Equal(first.NewParameters.LearningRate, again.NewParameters.LearningRate);
        Assert.Equal(first.NewParameters.NoiseFactor, again.NewParameters.NoiseFactor);

        var otherEpochs = Enumerable.Range(1, 5).Select(k => new PbtScheduler(spec).Decide(Trial(spec, 6), 2 * k, 12, Population())!.NewParameters.LearningRate);
        Assert.True(otherEpochs.Distinct().Count() > 1, "every epoch perturbed the same way: the stream ignores the epoch");
    }

    private static string SpecTextOf(SweepSpec _) => """
        name: p
        architecture: denoise-mlp
        epochs: 12
        mode: min
        search: pbt
        trials: 8
        seed: 7
        pbt: {perturbation_interval: 2, quantile: 0.25, resample_probability: 0.25}
        space:
          lr: {loguniform: [0.0001, 0.03]}
          noise_factor: {uniform: [0.2, 0.7]}
        """;
}
