namespace AeGrid.Grains.Sweeps;

/// <summary>
/// A sweep file that cannot be run. The message says where and what: `source:line:col: key: problem`, e.g.
/// "denoisers.yaml:7:12: space.lr: loguniform needs two positive numbers [low, high] with low &lt; high, got [0, 0.01]".
/// Lines and columns are 1-based. <see cref="Key"/> is the dotted path (space.lr, pruner.median.interval), null for
/// syntax errors.
/// </summary>
public sealed class SweepSpecException(string sourceName, int line, int column, string? key, string problem)
    : Exception(key is null ? $"{sourceName}:{line}:{column}: {problem}" : $"{sourceName}:{line}:{column}: {key}: {problem}")
{
    public string SourceName { get; } = sourceName;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string? Key { get; } = key;
    /// <summary>The message without the location and key.</summary>
    public string Problem { get; } = problem;
}
