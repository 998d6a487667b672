using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers;

/// <summary>
/// Every combination of the space's lists, once. Order: like nested loops over the space keys in file order, the
/// first key outermost and the last varying fastest (Python's itertools.product). Trial i is always combination i.
/// Every trial trains with the spec's seed, unless `seed` is itself a space list (repeats over seeds).
/// Once all combinations exist the grid is used up: extending a finished grid adds nothing.
/// </summary>
public sealed class GridSampler : ISampler
{
    private readonly SweepSpec spec;
    private readonly CategoricalDimension[] dimensions;

    public GridSampler(SweepSpec spec)
    {
        if (spec.Search != SearchKind.Grid)
            throw new ArgumentException($"sweep '{spec.Name}' is a {spec.Search} search, not a grid", nameof(spec));
        this.spec = spec;
        dimensions = [.. spec.Space.Cast<CategoricalDimension>()];
        Size = (int)spec.GridSize!.Value;
    }

    /// <summary>The number of combinations.</summary>
    public int Size { get; }

    public IReadOnlyList<Hyperparameters> Next(IReadOnlyList<Hyperparameters> created, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var first = Math.Min(created.Count, Size);
        var last = (int)Math.Min((long)first + count, Size);
        return [.. Enumerable.Range(first, last - first).Select(At)];
    }

    /// <summary>Combination <paramref name="index"/>: its mixed-radix digits, the last dimension least significant.</summary>
    public Hyperparameters At(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        var point = new ParameterValue[dimensions.Length];
        var rest = index;
        for (var d = dimensions.Length - 1; d >= 0; d--)
        {
            var choices = dimensions[d].Choices;
            point[d] = choices[rest % choices.Count];
            rest /= choices.Count;
        }
        return TrialComposer.Compose(spec, point);
    }
}
