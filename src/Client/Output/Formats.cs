using System.Globalization;

namespace AeGrid.Client.Output;

/// <summary>Number formats for humans; culture-invariant so output is the same on every machine.</summary>
internal static class Formats
{
    /// <summary>MSE-sized values (1e-4 .. 1e-1) with five significant digits.</summary>
    public static string Metric(double value) => value.ToString("G5", CultureInfo.InvariantCulture);

    public static string Metric(double? value) => value is { } v ? Metric(v) : "";

    public static string Rate(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Seconds(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static string Bytes(long value) => value switch
    {
        >= 1 << 20 => (value / (double)(1 << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (value / (double)(1 << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => value.ToString(CultureInfo.InvariantCulture) + " B",
    };

    /// <summary>A hyperparameter value as it would be typed on the command line.</summary>
    public static string Value(object value) => value switch
    {
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IEnumerable<int> list => string.Join(',', list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
