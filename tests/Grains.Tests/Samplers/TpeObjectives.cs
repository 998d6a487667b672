using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Samplers.Tpe;
using AeGrid.Grains.Sweeps;
using AeGrid.Grains.Tests.Sweeps;

namespace AeGrid.Grains.Tests.Samplers;

/// <summary>A synthetic sweep with a known optimum, run without training: each trial's "metric" is a formula.</summary>
internal static class TpeObjectives
{
    /// <summary>A conditional, mixed space: 3 architectures (two with their own parameters), a log-uniform lr, an integer.</summary>
    public static SweepSpec Mixed(string search = "tpe", long seed = 1, int trials = 60, string tpe = "") => SpecText.Parse($"""
        name: synthetic
        search: {search}
        trials: {trials}
        seed: {seed}
        {tpe}
        space:
          architecture:
            denoise-mlp: {"{"}hidden_sizes: [[64], [128], [256]], noise_factor: {"{"}uniform: [0.1, 0.9]{"}"}{"}"}
            conv-denoise: {"{"}noise_factor: {"{"}uniform: [0.1, 0.9]{"}"}{"}"}
            linear: {"{"}{"}"}
          lr: {"{"}loguniform: [1.0e-5, 1.0e-1]{"}"}
          batch_size: {"{"}int: [16, 256]{"}"}
        """);

    /// <summary>
    /// Best (0) at conv-denoise, noise 0.4, lr 1e-3, batch 64. The lr term is in decades, so it rewards a search in log space;
    /// the architectures differ by a clear step.
    /// </summary>
    public static double Objective(Hyperparameters p)
    {
        var arch = p.Architecture switch { "conv-denoise" => 0.0, "denoise-mlp" => 0.6, _ => 1.2 };
        var noise = p.NoiseFactor is { } n ? 4 * (n - 0.4) * (n - 0.4) : 0.5;
        var lr = Math.Log10(p.LearningRate!.Value) + 3;
        var batch = (p.BatchSize!.Value - 64) / 192.0;
        return arch + noise + lr * lr * 0.5 + batch * batch;
    }

    /// <summary>Runs <paramref name="trials"/> trials one after the other, each finished before the next is proposed.</summary>
    public static List<(Hyperparameters Parameters, double Value)> RunSequential(SweepSpec spec, int trials)
    {
        var results = new List<(Hyperparameters, double)>();
        if (spec.Search == SearchKind.Random)
        {
            foreach (var parameters in new RandomSampler(spec).Next([], trials)) results.Add((parameters, Objective(parameters)));
            return results;
        }
        var sampler = new TpeSampler(spec);
        var history = new TpeHistory(spec);
        for (var number = 0; number < trials; number++)
        {
            var parameters = sampler.Propose(number, history);
            var value = Objective(parameters);
            history.AddObserved(parameters, value);
            results.Add((parameters, value));
        }
        return results;
    }
}
