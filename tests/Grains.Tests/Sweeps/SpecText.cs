using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>Helpers for tests that parse sweep files written inline.</summary>
internal static class SpecText
{
    public static SweepSpec Parse(string text, string sourceName = "test.yaml") => SweepSpecParser.Parse(text, sourceName);

    /// <summary>Parses <paramref name="text"/>, expecting an error at <paramref name="line"/> about <paramref name="key"/>.</summary>
    public static SweepSpecException Error(string text, int line, string? key, string messagePart, string sourceName = "test.yaml")
    {
        var error = Assert.Throws<SweepSpecException>(() => SweepSpecParser.Parse(text, sourceName));
        Assert.True(messagePart is "" || error.Message.Contains(messagePart, StringComparison.Ordinal),
            $"expected the message to contain \"{messagePart}\", got: {error.Message}");
        Assert.Equal(sourceName, error.SourceName);
        Assert.Equal(key, error.Key);
        Assert.Equal(line, error.Line);
        Assert.StartsWith(key is null ? $"{sourceName}:{line}:{error.Column}: " : $"{sourceName}:{line}:{error.Column}: {key}: ", error.Message);
        return error;
    }
}
