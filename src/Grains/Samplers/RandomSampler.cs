using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers;

/// <summary>
/// Independent random draws from the space (Optuna's RandomSampler). Draw i comes from its own stream seeded by
/// (spec seed, i), so trial i is always the same: the same spec gives the same trials, and extending a sweep by N
/// continues with draws n…n+N-1 rather than repeating earlier ones. Draws are not de-duplicated: a small list-only
/// space can repeat a combination. Each dimension takes one number from the stream, in file order:
/// lists and choice pick uniformly; uniform is uniform; loguniform is uniform in log space; int includes both ends.
/// A conditional `architecture:` takes one number to pick the architecture (uniformly), then its sub-space's dimensions
/// take theirs, in file order.
/// </summary>
public sealed class RandomSampler : ISampler
{
    private readonly SweepSpec spec;

    public RandomSampler(SweepSpec spec)
    {
        if (spec.Search == SearchKind.Grid)
            throw new ArgumentException($"sweep '{spec.Name}' is a grid search, not random", nameof(spec));
        this.spec = spec;
    }

    public IReadOnlyList<Hyperparameters> Next(IReadOnlyList<Hyperparameters> created, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return [.. Enumerable.Range(0, count).Select(i => At(created.Count + i))];
    }

    public Hyperparameters At(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return TrialComposer.Compose(spec, DrawPoint(spec, index));
    }

    /// <summary>Draw <paramref name="index"/> of the space as assignments (TPE's start-up trials are these draws too).</summary>
    internal static List<(string, ParameterValue)> DrawPoint(SweepSpec spec, long index)
    {
        var stream = SplitMix64.ForDraw(spec.Seed, index);
        var point = new List<(string, ParameterValue)>();
        foreach (var dimension in spec.Space) Draw(dimension, ref stream, point);
        return point;
    }

    private static void Draw(SearchDimension dimension, ref SplitMix64 stream, List<(string, ParameterValue)> point)
    {
        if (dimension is ConditionalDimension conditional)
        {
            var branch = conditional.Branches[(int)stream.NextBelow((ulong)conditional.Branches.Count)];
            point.Add((conditional.Parameter, new TextValue(branch.Architecture)));
            foreach (var inner in branch.Space) Draw(inner, ref stream, point);
            return;
        }
        point.Add((dimension.Parameter, Draw(dimension, ref stream)));
    }

    internal static ParameterValue Draw(SearchDimension dimension, ref SplitMix64 stream)
    {
        switch (dimension)
        {
            case CategoricalDimension categorical:
                return categorical.Choices[(int)stream.NextBelow((ulong)categorical.Choices.Count)];
            case IntegerDimension integer:
                var span = unchecked((ulong)(integer.High - integer.Low)) + 1;
                return new IntegerValue(unchecked(integer.Low + (long)stream.NextBelow(span)));
            case FloatDimension { Log: true } log:
                var (logLow, logHigh) = (Math.Log(log.Low), Math.Log(log.High));
                return new RealValue(Math.Clamp(Math.Exp(logLow + stream.NextDouble() * (logHigh - logLow)), log.Low, log.High));
            case FloatDimension uniform:
                return new RealValue(Math.Clamp(uniform.Low + stream.NextDouble() * (uniform.High - uniform.Low), uniform.Low, uniform.High));
            default:
                throw new InvalidOperationException($"no draw for {dimension.GetType().Name}");
        }
    }
}
