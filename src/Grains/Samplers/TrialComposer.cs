using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers;

/// <summary>Turns one point of the search space into a trial's hyperparameters: the spec's fixed values plus the point's.</summary>
internal static class TrialComposer
{
    /// <param name="point">The value of each dimension the trial has, in space order: a conditional `architecture:` gives
    /// the architecture and then that architecture's own dimensions.</param>
    public static Hyperparameters Compose(SweepSpec spec, IReadOnlyList<(string Parameter, ParameterValue Value)> point)
    {
        // Architecture is required; the parser guarantees it is among the assignments and sets it below.
        var parameters = new Hyperparameters { Architecture = "", Seed = spec.Seed };
        foreach (var fixedParameter in spec.Fixed)
            parameters = HyperparameterCatalog.Get(fixedParameter.Parameter).Set(parameters, fixedParameter.Value);
        foreach (var (name, value) in point) parameters = HyperparameterCatalog.Get(name).Set(parameters, value);
        if (parameters.Architecture.Length == 0)
            throw new InvalidOperationException($"sweep '{spec.Name}' gives no architecture");
        return parameters;
    }
}
