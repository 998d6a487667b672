using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers;

/// <summary>
/// Every combination of the space's lists, once. Order: like nested loops over the space keys in file order, the
/// first key outermost and the last varying fastest (Python's itertools.product). Trial i is always combination i.
/// A conditional `architecture:` is one loop over all its architectures' sub-grids in turn: the first architecture's
/// combinations (its own keys nested in file order), then the second's, and so on.
/// Every trial trains with the spec's seed, unless `seed` is itself a space list (repeats over seeds).
/// Once all combinations exist the grid is used up: extending a finished grid adds nothing.
/// </summary>
public sealed class GridSampler : ISampler
{
    private readonly SweepSpec spec;
    private readonly SearchDimension[] dimensions;

    public GridSampler(SweepSpec spec)
    {
        if (spec.Search != SearchKind.Grid)
            throw new ArgumentException($"sweep '{spec.Name}' is a {spec.Search} search, not a grid", nameof(spec));
        this.spec = spec;
        dimensions = [.. spec.Space];
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
        var point = new List<(string, ParameterValue)>();
        AddDigits(dimensions, index, point);
        return TrialComposer.Compose(spec, point);
    }

    /// <summary>The assignments of combination <paramref name="index"/> of <paramref name="space"/>, in space order.</summary>
    private static void AddDigits(IReadOnlyList<SearchDimension> space, long index, List<(string, ParameterValue)> point)
    {
        var digits = new long[space.Count];
        var rest = index;
        for (var d = space.Count - 1; d >= 0; d--)
        {
            var size = SweepSpec.GridSizeOf([space[d]]);
            digits[d] = rest % size;
            rest /= size;
        }
        for (var d = 0; d < space.Count; d++)
        {
            switch (space[d])
            {
                case CategoricalDimension categorical:
                    point.Add((categorical.Parameter, categorical.Choices[(int)digits[d]]));
                    break;
                case ConditionalDimension conditional:
                    var offset = digits[d];
                    foreach (var branch in conditional.Branches)
                    {
                        var branchSize = SweepSpec.GridSizeOf(branch.Space);
                        if (offset >= branchSize)
                        {
                            offset -= branchSize;
                            continue;
                        }
                        point.Add((conditional.Parameter, new TextValue(branch.Architecture)));
                        AddDigits(branch.Space, offset, point);
                        break;
                    }
                    break;
                default:
                    throw new InvalidOperationException($"{space[d].Parameter} is not a list; a grid has lists only");
            }
        }
    }
}
