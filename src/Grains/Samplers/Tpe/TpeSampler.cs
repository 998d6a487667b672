using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers.Tpe;

/// <summary>
/// The Tree-structured Parzen Estimator (Bergstra et al. 2011; Optuna's independent TPESampler). Until
/// <see cref="TpeOptions.StartupTrials"/> trials have finished, trial i is random draw i (<see cref="RandomSampler"/>).
/// After that each parameter is proposed on its own: the finished trials split into the best γ(n) = min(⌈n/10⌉, 25)
/// ("below") and the rest; a Parzen estimator of each group gives l(x) and g(x); <see cref="TpeOptions.Candidates"/>
/// draws from l compete and the one with the largest l(x)/g(x) wins. A parameter of one architecture's sub-space is
/// modelled only from the trials that trained that architecture, and proposed only when the architecture was.
/// Pending trials are counted as worst (the constant liar) so concurrent proposals spread out.
/// Deterministic: the proposal for trial i draws from SplitMix64 stream (spec seed, i), so the same history gives the
/// same trial.
/// </summary>
public sealed class TpeSampler : ISampler
{
    private readonly SweepSpec spec;
    private readonly TpeOptions options;

    public TpeSampler(SweepSpec spec)
    {
        if (spec.Search != SearchKind.Tpe)
            throw new ArgumentException($"sweep '{spec.Name}' is a {spec.Search} search, not tpe", nameof(spec));
        this.spec = spec;
        options = spec.Tpe ?? new TpeOptions();
    }

    /// <summary>How many of the finished trials are "below" (good) out of <paramref name="finished"/>.</summary>
    public static int Gamma(int finished) => Math.Min((finished + 9) / 10, ParzenWeights.Flat);

    /// <summary>With no results to learn from, TPE proposes its start-up draws: trial i is random draw i.</summary>
    public IReadOnlyList<Hyperparameters> Next(IReadOnlyList<Hyperparameters> created, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return [.. Enumerable.Range(created.Count, count).Select(i => TrialComposer.Compose(spec, RandomSampler.DrawPoint(spec, i)))];
    }

    /// <summary>The hyperparameters of trial <paramref name="number"/> given what was known when it is proposed.</summary>
    public Hyperparameters Propose(int number, TpeHistory history)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        if (history.Finished < Math.Max(1, options.StartupTrials))
            return TrialComposer.Compose(spec, RandomSampler.DrawPoint(spec, number));

        var below = Below(history);
        var stream = SplitMix64.ForDraw(spec.Seed, number);
        var point = new List<(string, ParameterValue)>();
        var belowValues = new double[history.Count];
        var aboveValues = new double[history.Count];
        string? architecture = null;
        foreach (var parameter in history.Parameters)
        {
            if (parameter.Architecture is not null && parameter.Architecture != architecture) continue;
            var (belowCount, aboveCount) = Gather(history.Column(parameter), below, belowValues, aboveValues);
            var x = parameter.IsCategorical
                ? ProposeChoice(parameter, belowValues.AsSpan(0, belowCount), aboveValues.AsSpan(0, aboveCount), ref stream)
                : ProposeNumber(parameter, belowValues.AsSpan(0, belowCount), aboveValues.AsSpan(0, aboveCount), ref stream);
            var value = parameter.Decode(x);
            point.Add((parameter.Dimension.Parameter, value));
            if (parameter.Dimension is ConditionalDimension) architecture = ((TextValue)value).Value;
        }
        return TrialComposer.Compose(spec, point);
    }

    /// <summary>
    /// Marks the γ(n) best finished entries (lowest score, earlier trial on ties). A bounded insertion into a buffer of at
    /// most 25 rather than a sort of the whole history: one pass, whatever its length.
    /// </summary>
    private static bool[] Below(TpeHistory history)
    {
        var scores = history.Scores;
        var pending = history.Pending;
        var wanted = Gamma(history.Finished);
        var best = new int[wanted];
        var found = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (pending[i] || !double.IsFinite(scores[i])) continue;
            if (found == wanted && scores[i] >= scores[best[found - 1]]) continue;
            var at = found == wanted ? found - 1 : found++;
            while (at > 0 && scores[best[at - 1]] > scores[i])
            {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
        }
        var below = new bool[scores.Length];
        for (var b = 0; b < found; b++) below[best[b]] = true;
        return below;
    }

    /// <summary>Splits a parameter's column into the below and above groups, in trial order, skipping trials without it.</summary>
    private static (int Below, int Above) Gather(ReadOnlySpan<double> column, bool[] below, double[] belowValues, double[] aboveValues)
    {
        var (b, a) = (0, 0);
        for (var i = 0; i < column.Length; i++)
        {
            var value = column[i];
            if (double.IsNaN(value)) continue;
            if (below[i]) belowValues[b++] = value;
            else aboveValues[a++] = value;
        }
        return (b, a);
    }

    private double ProposeNumber(TpeParameter parameter, ReadOnlySpan<double> below, ReadOnlySpan<double> above, ref SplitMix64 stream)
    {
        var good = new NumericParzenEstimator(below, parameter.Low, parameter.High);
        var bad = new NumericParzenEstimator(above, parameter.Low, parameter.High);
        var integer = parameter.Dimension is IntegerDimension;
        var (bestX, bestScore) = (double.NaN, double.NegativeInfinity);
        for (var c = 0; c < options.Candidates; c++)
        {
            var x = good.Sample(ref stream);
            if (integer) x = Math.Clamp(Math.Round(x, MidpointRounding.AwayFromZero), parameter.Low + 0.5, parameter.High - 0.5);
            var score = Math.Log(good.Density(x)) - Math.Log(bad.Density(x));
            if (score > bestScore || double.IsNaN(bestX)) (bestX, bestScore) = (x, score);
        }
        return bestX;
    }

    private double ProposeChoice(TpeParameter parameter, ReadOnlySpan<double> below, ReadOnlySpan<double> above, ref SplitMix64 stream)
    {
        var good = new CategoricalParzenEstimator(Indexes(below), parameter.Choices);
        var bad = new CategoricalParzenEstimator(Indexes(above), parameter.Choices);
        var (best, bestScore) = (-1, double.NegativeInfinity);
        for (var c = 0; c < options.Candidates; c++)
        {
            var choice = good.Sample(ref stream);
            var score = Math.Log(good.Probability(choice)) - Math.Log(bad.Probability(choice));
            if (score > bestScore || best < 0) (best, bestScore) = (choice, score);
        }
        return best;
    }

    private static int[] Indexes(ReadOnlySpan<double> values)
    {
        var indexes = new int[values.Length];
        for (var i = 0; i < values.Length; i++) indexes[i] = (int)values[i];
        return indexes;
    }
}
