using System.Numerics;

namespace AeGrid.Grains.Samplers.Tpe;

/// <summary>
/// Optuna's observation weights: equal for the 25 newest, a linear ramp from 1/n up to 1 for older ones, so a long
/// history leans on recent trials. <paramref name="weights"/> holds one per observation (in trial order) plus the prior's
/// (1.0) last, normalised to sum to 1.
/// </summary>
internal static class ParzenWeights
{
    public const int Flat = 25;

    public static double[] For(int observations)
    {
        var weights = new double[observations + 1];
        var ramp = Math.Max(0, observations - Flat);
        for (var i = 0; i < observations; i++)
            weights[i] = i >= ramp ? 1.0 : ramp == 1 ? 1.0 / observations : 1.0 / observations + i * (1.0 - 1.0 / observations) / (ramp - 1);
        weights[observations] = 1.0; // the prior
        var sum = 0.0;
        foreach (var w in weights) sum += w;
        for (var i = 0; i < weights.Length; i++) weights[i] /= sum;
        return weights;
    }
}

/// <summary>
/// A Parzen estimator over one real interval [low, high] (already in log space for loguniform, widened by half a step
/// each side for integers): a mixture of normals truncated to the interval, one centred on each observation plus a
/// prior centred mid-interval with the interval's width as its spread. Bandwidths as Optuna's univariate TPE: each
/// observation's spread is the larger gap to its sorted neighbours (the outermost take their inner gap), clipped to
/// [width / min(100, 1 + n), width].
/// </summary>
/// <remarks>
/// Built for histories of thousands: observations are sorted by a bucket sort (linear for spread-out values), and a
/// density sums the narrow components (spread at most twice the minimum) only within 8.5 of their spreads of the
/// point — beyond that a component adds less than e^-36 of its peak — while the few wide ones (the prior, sparse
/// regions) are always summed.
/// </remarks>
internal sealed class NumericParzenEstimator
{
    /// <summary>Narrow components farther than this many of their largest spread add nothing a double can hold.</summary>
    private const double Reach = 8.5;
    private readonly double low, high;
    // Every component in its original order (observations by trial, then the prior): what sampling picks from.
    private readonly double[] mus, sigmas, cumulative;
    // The density's view: wide components, and narrow ones sorted by centre; each padded with zero-weight components
    // to whole vectors so the loops read full vectors.
    private readonly double[] wideMus, wideInvSigmas, wideCoefficients;
    private readonly double[] narrowMus, narrowInvSigmas, narrowCoefficients;
    private readonly int narrowCount;
    private readonly double window;

    /// <param name="observed">The observations' values, in trial order (older first).</param>
    public NumericParzenEstimator(ReadOnlySpan<double> observed, double low, double high)
    {
        this.low = low;
        this.high = high;
        var n = observed.Length + 1;
        var width = high - low;
        var weights = ParzenWeights.For(observed.Length);
        mus = new double[n];
        sigmas = new double[n];
        cumulative = new double[n];
        observed.CopyTo(mus);
        mus[n - 1] = 0.5 * (low + high);

        var order = SortedOrder(mus, low, width);
        var minSigma = width / Math.Min(100.0, 1.0 + n);
        for (var s = 0; s < n; s++)
        {
            var mu = mus[order[s]];
            var left = s == 0 ? low : mus[order[s - 1]];
            var right = s == n - 1 ? high : mus[order[s + 1]];
            var sigma = Math.Max(mu - left, right - mu);
            if (n >= 2 && s == 0) sigma = right - mu;
            else if (n >= 2 && s == n - 1) sigma = mu - left;
            sigmas[order[s]] = Math.Clamp(sigma, minSigma, width);
        }
        sigmas[n - 1] = width; // the prior

        var narrowLimit = 2 * minSigma;
        window = Reach * narrowLimit;
        var vector = Vector<double>.Count;
        var wide = new List<int>();
        narrowMus = new double[n + vector];
        narrowInvSigmas = new double[n + vector];
        narrowCoefficients = new double[n + vector];
        var total = 0.0;
        for (var k = 0; k < n; k++)
        {
            total += weights[k];
            cumulative[k] = total;
        }
        foreach (var k in order)
        {
            if (k == n - 1 || sigmas[k] > narrowLimit)
            {
                wide.Add(k);
                continue;
            }
            narrowMus[narrowCount] = mus[k];
            narrowInvSigmas[narrowCount] = 1 / sigmas[k];
            narrowCoefficients[narrowCount] = Coefficient(k, weights[k]);
            narrowCount++;
        }
        for (var pad = narrowCount; pad < narrowMus.Length; pad++) narrowMus[pad] = double.MaxValue; // past every point
        var widePadded = (wide.Count + vector - 1) / vector * vector;
        wideMus = new double[widePadded];
        wideInvSigmas = new double[widePadded];
        wideCoefficients = new double[widePadded];
        for (var w = 0; w < wide.Count; w++)
        {
            wideMus[w] = mus[wide[w]];
            wideInvSigmas[w] = 1 / sigmas[wide[w]];
            wideCoefficients[w] = Coefficient(wide[w], weights[wide[w]]);
        }
    }

    /// <summary>The component's weight over its normalising constant: its spread and the mass its truncation keeps.</summary>
    private double Coefficient(int k, double weight) => weight / (sigmas[k] * Math.Sqrt(2 * Math.PI) * Math.Max(Mass(k), 1e-300));

    private (double Low, double High) CdfBounds(int k) =>
        (mus[k] - low) / sigmas[k] > Reach && (high - mus[k]) / sigmas[k] > Reach
            ? (0, 1) // deep inside: nothing is cut off worth computing
            : (StandardNormal.Cdf((low - mus[k]) / sigmas[k]), StandardNormal.Cdf((high - mus[k]) / sigmas[k]));

    private double Mass(int k)
    {
        var (cdfLow, cdfHigh) = CdfBounds(k);
        return cdfHigh - cdfLow;
    }

    /// <summary>Indexes of <paramref name="values"/> in ascending order (ties by index): a bucket sort over the interval.</summary>
    private static int[] SortedOrder(double[] values, double low, double width)
    {
        var n = values.Length;
        var buckets = new int[n + 1];
        var bucketOf = new int[n];
        for (var i = 0; i < n; i++)
        {
            bucketOf[i] = Math.Clamp((int)((values[i] - low) / width * n), 0, n - 1);
            buckets[bucketOf[i] + 1]++;
        }
        for (var b = 0; b < n; b++) buckets[b + 1] += buckets[b];
        var order = new int[n];
        var next = (int[])buckets.Clone();
        for (var i = 0; i < n; i++) order[next[bucketOf[i]]++] = i;
        // Each bucket holds few values when they are spread out; insertion-sort within each.
        for (var b = 0; b < n; b++)
        {
            for (var j = buckets[b] + 1; j < buckets[b + 1]; j++)
            {
                var item = order[j];
                var at = j;
                while (at > buckets[b] && (values[order[at - 1]] > values[item] || (values[order[at - 1]] == values[item] && order[at - 1] > item)))
                {
                    order[at] = order[at - 1];
                    at--;
                }
                order[at] = item;
            }
        }
        return order;
    }

    /// <summary>One draw: a component by weight, then a point of its truncated normal by inverting its CDF.</summary>
    public double Sample(ref SplitMix64 stream)
    {
        var pick = stream.NextDouble() * cumulative[^1];
        var k = Array.BinarySearch(cumulative, pick);
        k = Math.Min(k < 0 ? ~k : k + 1, cumulative.Length - 1);
        var (cdfLow, cdfHigh) = CdfBounds(k);
        var u = cdfLow + stream.NextDouble() * (cdfHigh - cdfLow);
        return Math.Clamp(mus[k] + sigmas[k] * StandardNormal.InverseCdf(u), low, high);
    }

    /// <summary>The mixture's density at <paramref name="x"/>; never 0 inside the interval (the prior covers it).</summary>
    public double Density(double x)
    {
        var sum = Sum(x, wideMus, wideInvSigmas, wideCoefficients, 0, wideMus.Length);
        if (narrowCount == 0) return sum;
        var first = LowerBound(narrowMus, narrowCount, x - window);
        var last = LowerBound(narrowMus, narrowCount, x + window);
        return first < last ? sum + Sum(x, narrowMus, narrowInvSigmas, narrowCoefficients, first, last) : sum;
    }

    /// <summary>Σ coefficient·exp(-z²/2) over components [first, last), rounded up to whole vectors (the arrays are padded).</summary>
    private static double Sum(double x, double[] centres, double[] invSigmas, double[] coefficients, int first, int last)
    {
        var width = Vector<double>.Count;
        var at = new Vector<double>(x);
        var minusHalf = new Vector<double>(-0.5);
        var sum = Vector<double>.Zero;
        for (var i = first; i < last; i += width)
        {
            var z = (at - new Vector<double>(centres, i)) * new Vector<double>(invSigmas, i);
            sum += new Vector<double>(coefficients, i) * Vector.Exp(minusHalf * z * z);
        }
        return Vector.Sum(sum);
    }

    private static int LowerBound(double[] sorted, int count, double value)
    {
        var (lo, hi) = (0, count);
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}

/// <summary>
/// A Parzen estimator over a list's choices (by index). Each observation is a component that favours its choice, smoothed
/// by the prior weight as Optuna does; the prior is uniform. As every component is a distribution over the same few
/// choices, the mixture collapses into one probability per choice, computed once.
/// </summary>
internal sealed class CategoricalParzenEstimator
{
    private readonly double[] probabilities;
    private readonly double[] cumulative;

    /// <param name="observed">The observations' choice indexes, in trial order (older first).</param>
    public CategoricalParzenEstimator(ReadOnlySpan<int> observed, int choices)
    {
        var weights = ParzenWeights.For(observed.Length);
        var smoothing = 1.0 / (observed.Length + 1); // Optuna: prior_weight / (n + 1) added to every choice of a component
        var componentMass = 1 + choices * smoothing;
        probabilities = new double[choices];
        var observationWeight = 0.0;
        for (var i = 0; i < observed.Length; i++)
        {
            probabilities[observed[i]] += weights[i] / componentMass;
            observationWeight += weights[i];
        }
        var prior = weights[^1];
        cumulative = new double[choices];
        var total = 0.0;
        for (var c = 0; c < choices; c++)
        {
            probabilities[c] += observationWeight * smoothing / componentMass + prior / choices;
            total += probabilities[c];
            cumulative[c] = total;
        }
    }

    public int Sample(ref SplitMix64 stream)
    {
        var pick = stream.NextDouble() * cumulative[^1];
        var k = Array.BinarySearch(cumulative, pick);
        return Math.Min(k < 0 ? ~k : k + 1, cumulative.Length - 1);
    }

    public double Probability(int choice) => probabilities[choice];
}
