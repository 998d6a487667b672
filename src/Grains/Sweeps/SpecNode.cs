using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// A sweep file as a tree with positions, the same for YAML and JSON, so one validator serves both and every
/// error can name a line and column (1-based).
/// </summary>
internal abstract record SpecNode(int Line, int Column)
{
    /// <summary>Longest rendering an error message quotes; aliases can make a small file's tree astronomically wide.</summary>
    private const int RenderLimit = 200;

    /// <summary>The node in flow style, as an error message quotes it ("got [0, 0.01]"), cut short past 200 characters.</summary>
    public string Render()
    {
        var builder = new StringBuilder();
        RenderTo(builder, RenderLimit);
        return builder.Length <= RenderLimit ? builder.ToString() : builder.ToString(0, RenderLimit - 3) + "...";
    }

    /// <summary>Appends the flow-style text, stopping once <paramref name="builder"/> is past <paramref name="limit"/>.</summary>
    internal abstract void RenderTo(StringBuilder builder, int limit);

    protected static void RenderAll(StringBuilder builder, int limit, string open, string close, int count, Action<int> item)
    {
        builder.Append(open);
        for (var i = 0; i < count && builder.Length <= limit; i++)
        {
            if (i > 0) builder.Append(", ");
            item(i);
        }
        builder.Append(close);
    }

    /// <summary>The node for "expected …, got …": a scalar as written, a collection named and shortened.</summary>
    public abstract string Describe();

    protected static string Shorten(string text) => AeGrid.Catalog.ErrorText.Quote(text);
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

    internal override void RenderTo(StringBuilder builder, int limit)
    {
        var text = Text.Length <= limit ? Text : Text[..(limit + 1)];
        builder.Append(IsText ? $"\"{text}\"" : text);
    }

    public override string Describe() => IsNull ? "nothing" : Render();
}

internal sealed record SpecSequence(int Line, int Column, ImmutableArray<SpecNode> Items) : SpecNode(Line, Column)
{
    internal override void RenderTo(StringBuilder builder, int limit) =>
        RenderAll(builder, limit, "[", "]", Items.Length, i => Items[i].RenderTo(builder, limit));
    public override string Describe() => $"the list {Shorten(Render())}";
}

internal sealed record SpecMapping(int Line, int Column, ImmutableArray<SpecEntry> Entries) : SpecNode(Line, Column)
{
    internal override void RenderTo(StringBuilder builder, int limit) =>
        RenderAll(builder, limit, "{", "}", Entries.Length, i =>
        {
            Entries[i].Key.RenderTo(builder, limit);
            builder.Append(": ");
            Entries[i].Value.RenderTo(builder, limit);
        });
    public override string Describe() => $"the mapping {Shorten(Render())}";
}

internal sealed record SpecEntry(SpecScalar Key, SpecNode Value);
