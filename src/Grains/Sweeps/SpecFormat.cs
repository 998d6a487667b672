namespace AeGrid.Grains.Sweeps;

/// <summary>
/// Whether a sweep file's text is JSON or YAML, decided from the text alone. Never from a name: the store re-parses a
/// sweep's text under the sweep's name, and a sweep called `something.json` holding YAML must read the same there as it
/// did when it was submitted. JSON is a brace followed by a quoted key (or nothing); YAML's flow mappings (`{name: x}`)
/// have plain keys, so they stay YAML.
/// </summary>
internal static class SpecFormat
{
    public static bool IsJson(string text)
    {
        var i = SkipBlankAndComments(text, 0);
        if (i >= text.Length || text[i] != '{') return false;
        i = SkipBlankAndComments(text, i + 1);
        return i < text.Length && text[i] is '"' or '}';
    }

    /// <summary>Whitespace and JSON comments (the JSON reader skips them too), from <paramref name="i"/>.</summary>
    private static int SkipBlankAndComments(string text, int i)
    {
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) i++;
            else if (text.AsSpan(i).StartsWith("//")) i = NextLine(text, i);
            else if (text.AsSpan(i).StartsWith("/*"))
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
            }
            else break;
        }
        return i;
    }

    private static int NextLine(string text, int i)
    {
        var end = text.IndexOf('\n', i);
        return end < 0 ? text.Length : end + 1;
    }
}
