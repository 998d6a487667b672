namespace AeGrid.Grains.Samplers.Tpe;

/// <summary>
/// The standard normal's CDF and its inverse, which .NET lacks. Both are closed-form approximations (no iteration), so a
/// draw costs the same every time: Φ from the complementary error function of Numerical Recipes (erfcc, fractional error
/// below 1.2e-7), Φ⁻¹ by Acklam's rational approximation (relative error below 1.2e-9). Far more precise than TPE needs:
/// they place candidates and weigh truncated components, and nothing compares them to a tolerance.
/// </summary>
internal static class StandardNormal
{
    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
            t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /// <summary>Φ⁻¹(<paramref name="p"/>) for p in (0, 1); the ends are clamped a hair inside so the result is finite.</summary>
    public static double InverseCdf(double p)
    {
        p = Math.Clamp(p, 1e-300, 1 - 1e-16);
        const double low = 0.02425, high = 1 - low;
        if (p < low) return Tail(Math.Sqrt(-2 * Math.Log(p)));
        if (p > high) return -Tail(Math.Sqrt(-2 * Math.Log(1 - p)));
        var m = p - 0.5;
        var r = m * m;
        return (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r + 1.383577518672690e+02) * r
                 - 3.066479806614716e+01) * r + 2.506628277459239e+00) * m
               / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r + 6.680131188771972e+01) * r
                   - 1.328068155288572e+01) * r + 1);
    }

    private static double Tail(double q) =>
        (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q
          + 4.374664141464968e+00) * q + 2.938163982698783e+00)
        / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);
}
