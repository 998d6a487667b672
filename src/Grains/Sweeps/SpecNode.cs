using System.Collections.Immutable;
using System.Globalization;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// A sweep file as a tree with positions, the same for YAML and JSON, so one validator serves both and every
/// error can name a line and column (1-based).
/// </summary>
internal abstract record SpecNode(int Line, int Column)
{
    /// <summary>The node in flow style, as an error message quotes it ("got [0, 0.01]").</summary>
    public abstract string Render();

    /// <summary>The node for "expected …, got …": a scalar as written, a collection named and shortened.</summary>
    public abstract string Describe();

    protected static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}

/// <summary>
/// A scalar as written. <see cref="IsText"/> scalars (YAML quoted, block or !!str; JSON strings) are always text, and
/// error messages quote them; plain ones may be null, a boolean or a number (YAML 1.2 core schema; JSON's literals
/// and numbers read the same way).
/// </summary>
internal sealed record SpecScalar(int Line, int Column, string Text, bool IsText) : SpecNode(Line, Column)
{
    public bool IsNull => !IsText && Text is "" or "~" or "null" or "Null" or "NULL";

    public bool TryFlag(out bool flag)
    {
        flag = Text is "true" or "True" or "TRUE";
        return !IsText && (flag || Text is "false" or "False" or "FALSE");
    }

    public bool TryInteger(out long integer) =>
        long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out integer) && !IsText;

    /// <summary>Finite numbers only: ".inf" and ".nan" are never valid hyperparameters.</summary>
    public bool TryReal(out double real) =>
        double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out real) && double.IsFinite(real) && !IsText;

    public override string Render() => IsText ? $"\"{Text}\"" : Text;

    public override string Describe() => IsNull ? "nothing" : Render();
}

internal sealed record SpecSequence(int Line, int Column, ImmutableArray<SpecNode> Items) : SpecNode(Line, Column)
{
    public override string Render() => $"[{string.Join(", ", Items.Select(i => i.Render()))}]";
    public override string Describe() => $"the list {Shorten(Render())}";
}

internal sealed record SpecMapping(int Line, int Column, ImmutableArray<SpecEntry> Entries) : SpecNode(Line, Column)
{
    public override string Render() => $"{{{string.Join(", ", Entries.Select(e => $"{e.Key.Render()}: {e.Value.Render()}"))}}}";
    public override string Describe() => $"the mapping {Shorten(Render())}";
}

internal sealed record SpecEntry(SpecScalar Key, SpecNode Value);
