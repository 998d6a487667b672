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
internal sealed class NumericParzenEstimator
{
    private readonly double low, high;
    private readonly double[] mus, invSigmas, coefficients, cumulative, cdfLows, cdfHighs, sigmas;

    /// <param name="observed">The observations' values, in trial order (older first).</param>
    public NumericParzenEstimator(ReadOnlySpan<double> observed, double low, double high)
    {
        this.low = low;
        this.high = high;
        var n = observed.Length + 1;
        var width = high - low;
        var weights = ParzenWeights.For(observed.Length);
        // Padded to whole vectors: padding components have coefficient 0 and add nothing to a density.
        var padded = (n + Vector<double>.Count - 1) / Vector<double>.Count * Vector<double>.Count;
        mus = new double[padded];
        invSigmas = new double[padded];
        coefficients = new double[padded];
        sigmas = new double[n];
        cumulative = new double[n];
        cdfLows = new double[n];
        cdfHighs = new double[n];
        observed.CopyTo(mus);
        mus[n - 1] = 0.5 * (low + high);

        var sorted = mus.AsSpan(0, n).ToArray();
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        Array.Sort(sorted, order);
        var minSigma = width / Math.Min(100.0, 1.0 + n);
        for (var s = 0; s < n; s++)
        {
            var left = s == 0 ? low : sorted[s - 1];
            var right = s == n - 1 ? high : sorted[s + 1];
            var sigma = Math.Max(sorted[s] - left, right - sorted[s]);
            if (n >= 2 && s == 0) sigma = right - sorted[s];
            else if (n >= 2 && s == n - 1) sigma = sorted[s] - left;
            sigmas[order[s]] = Math.Clamp(sigma, minSigma, width);
        }
        sigmas[n - 1] = width; // the prior

        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            cdfLows[i] = StandardNormal.Cdf((low - mus[i]) / sigmas[i]);
            cdfHighs[i] = StandardNormal.Cdf((high - mus[i]) / sigmas[i]);
            var mass = Math.Max(cdfHighs[i] - cdfLows[i], 1e-300);
            invSigmas[i] = 1 / sigmas[i];
            coefficients[i] = weights[i] / (sigmas[i] * Math.Sqrt(2 * Math.PI) * mass);
            total += weights[i];
            cumulative[i] = total;
        }
    }

    /// <summary>One draw: a component by weight, then a point of its truncated normal by inverting its CDF.</summary>
    public double Sample(ref SplitMix64 stream)
    {
        var pick = stream.NextDouble() * cumulative[^1];
        var k = Array.BinarySearch(cumulative, pick);
        k = Math.Min(k < 0 ? ~k : k + 1, cumulative.Length - 1);
        var u = cdfLows[k] + stream.NextDouble() * (cdfHighs[k] - cdfLows[k]);
        return Math.Clamp(mus[k] + sigmas[k] * StandardNormal.InverseCdf(u), low, high);
    }

    /// <summary>The mixture's density at <paramref name="x"/>; never 0 inside the interval (the prior covers it).</summary>
    public double Density(double x)
    {
        var width = Vector<double>.Count;
        var at = new Vector<double>(x);
        var minusHalf = new Vector<double>(-0.5);
        var sum = Vector<double>.Zero;
        for (var i = 0; i < mus.Length; i += width)
        {
            var z = (at - new Vector<double>(mus, i)) * new Vector<double>(invSigmas, i);
            sum += new Vector<double>(coefficients, i) * Vector.Exp(minusHalf * z * z);
        }
        return Vector.Sum(sum);
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
