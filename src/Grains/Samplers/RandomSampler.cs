using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers;

/// <summary>
/// Independent random draws from the space (Optuna's RandomSampler). Draw i comes from its own stream seeded by
/// (spec seed, i), so trial i is always the same: the same spec gives the same trials, and extending a sweep by N
/// continues with draws n…n+N-1 rather than repeating earlier ones. Draws are not de-duplicated: a small list-only
/// space can repeat a combination. Each dimension takes one number from the stream, in file order:
/// lists and choice pick uniformly; uniform is uniform; loguniform is uniform in log space; int includes both ends.
/// </summary>
public sealed class RandomSampler : ISampler
{
    private readonly SweepSpec spec;

    public RandomSampler(SweepSpec spec)
    {
        if (spec.Search != SearchKind.Random)
            throw new ArgumentException($"sweep '{spec.Name}' is a {spec.Search} search, not random", nameof(spec));
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
        var stream = SplitMix64.ForDraw(spec.Seed, index);
        var point = spec.Space.Select(dimension => Draw(dimension, ref stream)).ToArray();
        return TrialComposer.Compose(spec, point);
    }

    private static ParameterValue Draw(SearchDimension dimension, ref SplitMix64 stream)
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
