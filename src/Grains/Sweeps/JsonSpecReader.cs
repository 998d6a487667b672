using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// Reads JSON into a <see cref="SpecNode"/> tree. JSON is YAML flow syntax, but a JSON parser gives JSON users
/// JSON's error messages; token offsets become line and column so later errors still point into the file.
/// Comments and trailing commas are tolerated (people hand-edit these files).
/// </summary>
internal static class JsonSpecReader
{
    public static SpecNode Read(string text, string sourceName)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var positions = new Positions(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            // The reader's own bound on nesting backs up SpecTextLimits' pre-scan: ReadNode recurses once per level.
            MaxDepth = SpecTextLimits.MaxDepth,
        });
        try
        {
            if (!reader.Read()) throw new SweepSpecException(sourceName, 1, 1, null, "the file is empty");
            var root = ReadNode(ref reader, positions);
            reader.Read(); // throws on anything after the root value
            return root;
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? 0) + 1;
            var column = (int)(e.BytePositionInLine ?? 0) + 1;
            throw new SweepSpecException(sourceName, line, column, null, Describe(e));
        }
    }

    private static SpecNode ReadNode(ref Utf8JsonReader reader, Positions positions)
    {
        var (line, column) = positions.At(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = ImmutableArray.CreateBuilder<SpecEntry>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var (keyLine, keyColumn) = positions.At(reader.TokenStartIndex);
                    var key = new SpecScalar(keyLine, keyColumn, reader.GetString()!, IsText: true);
                    reader.Read();
                    entries.Add(new SpecEntry(key, ReadNode(ref reader, positions)));
                }
                return new SpecMapping(line, column, entries.ToImmutable());
            case JsonTokenType.StartArray:
                var items = ImmutableArray.CreateBuilder<SpecNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) items.Add(ReadNode(ref reader, positions));
                return new SpecSequence(line, column, items.ToImmutable());
            case JsonTokenType.String:
                return new SpecScalar(line, column, reader.GetString()!, IsText: true);
            default:
                // Numbers, true, false and null: plain scalars, typed later exactly as YAML's plain scalars are.
                return new SpecScalar(line, column, Encoding.UTF8.GetString(reader.ValueSpan), IsText: false);
        }
    }

    /// <summary>System.Text.Json appends " LineNumber: 0 | BytePositionInLine: 5." to its messages; we print our own.</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return suffix >= 0 ? message[..suffix] : message;
    }

    /// <summary>Turns byte offsets into 1-based lines and character columns.</summary>
    private sealed class Positions
    {
        private readonly byte[] bytes;
        private readonly List<int> lineStarts = [0];

        public Positions(byte[] bytes)
        {
            this.bytes = bytes;
            for (var i = 0; i < bytes.Length; i++)
                if (bytes[i] == (byte)'\n') lineStarts.Add(i + 1);
        }

        public (int Line, int Column) At(long offset)
        {
            var index = lineStarts.BinarySearch((int)offset);
            var line = index >= 0 ? index : ~index - 1;
            var characters = Encoding.UTF8.GetCharCount(bytes, lineStarts[line], (int)offset - lineStarts[line]);
            return (line + 1, characters + 1);
        }
    }
}
