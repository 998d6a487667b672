using System.Text;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// The bounds a sweep file's text must keep before any YAML or JSON library reads it: its size and how deeply it
/// nests. YamlDotNet's scanner overflows the stack on a file nested a few hundred thousand levels deep, which ends the
/// process (a silo, since sweeps are parsed there), so depth is measured here by a pre-scan that follows YAML's
/// tokens closely enough to count every flow bracket and every block level the parser would open; it errs toward
/// counting too much. The YAML reader's own depth guard backs it up (it counts the events the parser produced, exactly).
/// Real sweep files nest 4 or 5 levels and are a few hundred bytes.
/// </summary>
public static class SpecTextLimits
{
    /// <summary>1 MiB of UTF-8: a thousand times the largest example, far below what could strain a silo.</summary>
    public const int MaxBytes = 1 << 20;
    /// <summary>Nested collections (block and flow together); the deepest real key, space.x: [[a, b]], is 4.</summary>
    public const int MaxDepth = 32;

    /// <summary>Throws <see cref="SweepSpecException"/> naming the file and the bound when the text breaks one.</summary>
    public static void Check(string text, string sourceName)
    {
        // Characters never outnumber UTF-8 bytes, so the cheap length test first keeps a huge string from being counted.
        if (text.Length > MaxBytes || Encoding.UTF8.GetByteCount(text) > MaxBytes)
            throw new SweepSpecException(sourceName, 1, 1, null,
                $"the file is larger than {MaxBytes:N0} bytes (1 MiB), the most a sweep file may be");
        new DepthScan(text, sourceName).Run();
    }

    /// <summary>One pass over the text, line by line, tracking quotes, plain scalars, block scalars and both kinds of nesting.</summary>
    private sealed class DepthScan(string text, string sourceName)
    {
        private readonly List<int> blockColumns = [];
        private int flowDepth;
        private char quote;          // '\'' or '"' while inside a quoted scalar, else '\0'
        private bool inPlain;        // the last token is a plain scalar, which may continue on the next line
        private int plainParent = -1; // the column of the collection holding that plain scalar
        private int blockScalarParent = -1; // >= 0 while inside a | or > scalar: the indent of the line that opened it
        private int blockScalarIndent;      // its content's indentation once known (0: not yet)
        private int line;

        public void Run()
        {
            foreach (var raw in text.Split('\n'))
            {
                line++;
                ScanLine(raw.TrimEnd('\r'));
            }
        }

        private void ScanLine(string content)
        {
            var indent = 0;
            while (indent < content.Length && content[indent] == ' ') indent++;
            var blank = content.AsSpan(indent).Trim().IsEmpty;
            if (blockScalarParent >= 0)
            {
                if (blank) return;
                if (blockScalarIndent == 0 && indent > blockScalarParent) blockScalarIndent = indent;
                if (blockScalarIndent > 0 && indent >= blockScalarIndent) return;
                blockScalarParent = -1;
            }
            if (blank) return;

            var start = 0;
            var tokenStart = true;
            if (quote != '\0')
            {
                tokenStart = false;
            }
            else if (flowDepth > 0)
            {
                // Flow collections ignore indentation; a plain scalar may go on across the line break.
                tokenStart = !inPlain;
                start = indent;
            }
            else if (content[indent] == '#')
            {
                inPlain = false;
                return;
            }
            else if (inPlain && indent > plainParent)
            {
                tokenStart = false; // a continuation line of a multi-line plain scalar: its quotes are plain characters
                start = indent;
            }
            else
            {
                inPlain = false;
                while (blockColumns.Count > 0 && blockColumns[^1] >= indent) blockColumns.RemoveAt(blockColumns.Count - 1);
                Open(indent, isBlock: true);
                start = indent;
            }
            ScanFrom(content, start, tokenStart, indent);
        }

        private void ScanFrom(string content, int i, bool tokenStart, int indent)
        {
            for (; i < content.Length; i++)
            {
                var c = content[i];
                if (quote == '"')
                {
                    if (c == '\\') i++;
                    else if (c == '"') quote = '\0';
                    continue;
                }
                if (quote == '\'')
                {
                    if (c == '\'' && i + 1 < content.Length && content[i + 1] == '\'') i++;
                    else if (c == '\'') quote = '\0';
                    continue;
                }
                if (c is ' ' or '\t')
                    continue;
                if (c == '#' && (i == 0 || content[i - 1] is ' ' or '\t'))
                    return; // a comment runs to the end of the line, and ends a plain scalar
                var blankNext = i + 1 >= content.Length || content[i + 1] is ' ' or '\t';
                if (c is '[' or '{' && (tokenStart || flowDepth > 0))
                {
                    flowDepth++;
                    Open(i, isBlock: false);
                    (tokenStart, inPlain) = (true, false);
                }
                else if (c is ']' or '}' && flowDepth > 0)
                {
                    flowDepth--;
                    (tokenStart, inPlain) = (false, false);
                }
                else if (c == ',' && flowDepth > 0)
                {
                    (tokenStart, inPlain) = (true, false);
                }
                else if (c == ':' && (blankNext || flowDepth > 0))
                {
                    (tokenStart, inPlain) = (true, false);
                }
                else if (c is '-' or '?' && blankNext && tokenStart)
                {
                    // "- - - x" nests a block sequence per dash on one line.
                    if (flowDepth == 0 && i > indent) Open(i, isBlock: true);
                    (tokenStart, inPlain) = (true, false);
                }
                else if (tokenStart && c is '"' or '\'')
                {
                    quote = c;
                    (tokenStart, inPlain) = (false, false);
                }
                else if (tokenStart && c is '&' or '!' or '*')
                {
                    // An anchor or tag is followed by its node; an alias is a whole node.
                    while (i + 1 < content.Length && content[i + 1] is not (' ' or '\t' or ',' or '[' or ']' or '{' or '}')) i++;
                    (tokenStart, inPlain) = (c != '*', false);
                }
                else if (tokenStart && c is '|' or '>' && flowDepth == 0)
                {
                    blockScalarParent = indent;
                    blockScalarIndent = 0;
                    inPlain = false;
                    return; // the rest of the line is the block scalar's header
                }
                else if (tokenStart || inPlain)
                {
                    if (!inPlain) plainParent = blockColumns.Count > 0 ? blockColumns[^1] : -1;
                    (tokenStart, inPlain) = (false, true);
                }
            }
        }

        private void Open(int column, bool isBlock)
        {
            if (isBlock) blockColumns.Add(column);
            if (blockColumns.Count + flowDepth > MaxDepth)
                throw new SweepSpecException(sourceName, line, column + 1, null,
                    $"nested more than {MaxDepth} levels deep, the most a sweep file may nest");
        }
    }
}
