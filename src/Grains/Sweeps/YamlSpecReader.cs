using System.Collections.Immutable;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AeGrid.Grains.Sweeps;

/// <summary>Reads YAML into a <see cref="SpecNode"/> tree from YamlDotNet's event stream, keeping each node's position.</summary>
internal static class YamlSpecReader
{
    private const string StringTag = "tag:yaml.org,2002:str";

    /// <summary>The document's root, or null for an empty file. Throws <see cref="SweepSpecException"/> on a syntax error.</summary>
    public static SpecNode? Read(string text, string sourceName)
    {
        var parser = new PositionTrackingParser(new Parser(new StringReader(text)));
        var anchors = new Dictionary<string, SpecNode>();
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, anchors, sourceName, depth: 1);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
                throw Error(sourceName, second.Start, "a sweep file holds one YAML document; remove the second '---'");
            return root is SpecScalar { IsNull: true } ? null : root;
        }
        catch (YamlException e)
        {
            throw Error(sourceName, e.Start, Describe(e));
        }
    }

    private static SpecNode ReadNode(IParser parser, Dictionary<string, SpecNode> anchors, string sourceName, int depth)
    {
        // Each level is a frame of this method: bounded here exactly, whatever the pre-scan of the text counted.
        if (depth > SpecTextLimits.MaxDepth)
            throw Error(sourceName, parser.Current?.Start ?? Mark.Empty,
                $"nested more than {SpecTextLimits.MaxDepth} levels deep, the most a sweep file may nest");
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var anchored)
                ? anchored
                : throw Error(sourceName, alias.Start, $"unknown alias '*{alias.Value.Value}'");
        }

        SpecNode node;
        var start = parser.Current!;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            // Quoted, block (| >) and !!str-tagged scalars are text; only plain ones may be numbers, booleans or null.
            var text = scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && scalar.Tag.Value == StringTag);
            node = new SpecScalar(Line(scalar.Start), Column(scalar.Start), scalar.Value, text);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var items = ImmutableArray.CreateBuilder<SpecNode>();
            while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser, anchors, sourceName, depth + 1));
            node = new SpecSequence(Line(sequenceStart.Start), Column(sequenceStart.Start), items.ToImmutable());
        }
        else if (parser.TryConsume<MappingStart>(out var mappingStart))
        {
            var entries = ImmutableArray.CreateBuilder<SpecEntry>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, anchors, sourceName, depth + 1);
                if (key is not SpecScalar scalarKey)
                    throw Error(sourceName, key.Line, key.Column, $"a key must be a plain name, got {key.Describe()}");
                entries.Add(new SpecEntry(scalarKey, ReadNode(parser, anchors, sourceName, depth + 1)));
            }
            node = new SpecMapping(Line(mappingStart.Start), Column(mappingStart.Start), entries.ToImmutable());
        }
        else
        {
            throw Error(sourceName, start.Start, $"unexpected {start.GetType().Name} in the YAML");
        }

        if (start is NodeEvent { Anchor.IsEmpty: false } anchoredEvent) anchors[anchoredEvent.Anchor.Value] = node;
        return node;
    }

    /// <summary>YamlDotNet's messages start with the positions "(Line: 3, Col: 5, Idx: 20) - (…): "; we print our own.</summary>
    private static string Describe(YamlException e)
    {
        var message = e.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && marker >= 0 ? message[(marker + 3)..] : message;
    }

    /// <summary>
    /// Remembers where the last event ended. YamlDotNet's scanner throws a bare InvalidOperationException on some
    /// malformed flow collections (an unclosed '[' followed by a `key: value` line); this turns that into a
    /// <see cref="YamlException"/> at the last position that did read.
    /// </summary>
    private sealed class PositionTrackingParser(IParser inner) : IParser
    {
        private Mark lastGood = Mark.Empty;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            try
            {
                var moved = inner.MoveNext();
                if (moved && inner.Current is { } current) lastGood = current.End;
                return moved;
            }
            catch (InvalidOperationException)
            {
                throw new YamlException(lastGood, lastGood, "cannot read the YAML after this point; is a '[' or '{' left open?");
            }
        }
    }

    private static int Line(Mark mark) => (int)mark.Line;
    private static int Column(Mark mark) => (int)mark.Column;

    private static SweepSpecException Error(string sourceName, Mark mark, string problem) =>
        new(sourceName, Math.Max(1, Line(mark)), Math.Max(1, Column(mark)), null, problem);

    private static SweepSpecException Error(string sourceName, int line, int column, string problem) =>
        new(sourceName, line, column, null, problem);
}
