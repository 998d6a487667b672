using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers;

/// <summary>Turns one point of the search space into a trial's hyperparameters: the spec's fixed values plus the point's.</summary>
internal static class TrialComposer
{
    /// <param name="point">One value per <see cref="SweepSpec.Space"/> dimension, in the same order.</param>
    public static Hyperparameters Compose(SweepSpec spec, IReadOnlyList<ParameterValue> point)
    {
        if (point.Count != spec.Space.Count)
            throw new ArgumentException($"a point needs {spec.Space.Count} values, one per space dimension; got {point.Count}", nameof(point));
        var assignments = spec.Fixed.Select(f => (f.Parameter, f.Value))
            .Concat(spec.Space.Select((dimension, i) => (dimension.Parameter, point[i])));
        // Architecture is required; the parser guarantees it is among the assignments and sets it below.
        var parameters = new Hyperparameters { Architecture = "", Seed = spec.Seed };
        foreach (var (name, value) in assignments) parameters = HyperparameterCatalog.Get(name).Set(parameters, value);
        if (parameters.Architecture.Length == 0)
            throw new InvalidOperationException($"sweep '{spec.Name}' gives no architecture");
        return parameters;
    }
}
