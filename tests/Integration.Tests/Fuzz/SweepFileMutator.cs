using System.Text;
using System.Text.RegularExpressions;

namespace AeGrid.Integration.Tests.Fuzz;

/// <summary>
/// Seeded mutations of a sweep file's text, of the kinds a careless edit, a broken tool or a hostile client produce:
/// flipped characters, truncation, duplicated or deleted lines, deep nesting, huge numbers, wrong types, unicode and
/// unknown keys. The same seed gives the same cases, so a failure can be replayed.
/// </summary>
public static partial class SweepFileMutator
{
    static readonly string[] WrongValues =
        ["[1, 2]", "{a: b}", "\"text\"", "true", "null", "", "~", "[[[]]]", "{}", "-", "*undefined", "&anchor", "!!binary AAAA", "|", "'unclosed"];
    static readonly string[] HugeNumbers =
        ["1e308", "-1e308", "1e309", "99999999999999999999999", "-9223372036854775809", "2147483648", "4.9e-324", "0x7fffffff", ".nan", "-.inf", "0", "-1"];
    static readonly string[] Unicode = ["é", "ß", "名前", "🙂", "\u200b", "\u202e", "\u00a0", "\ufeff", "\u0000", "\t", "\r", "İ"];

    [GeneratedRegex(@"-?\d+(\.\d+)?(e-?\d+)?")]
    private static partial Regex Number();

    public static string Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        switch (random.Next(11))
        {
            case 0: // flip a few characters to anything, control characters included
                var chars = text.ToCharArray();
                for (var i = random.Next(1, 4); i > 0 && chars.Length > 0; i--) chars[random.Next(chars.Length)] = (char)random.Next(1, 0x250);
                return new string(chars);
            case 1:
                return text[..random.Next(text.Length + 1)];
            case 2:
                var duplicate = random.Next(lines.Count);
                lines.Insert(duplicate, lines[duplicate]);
                return string.Join('\n', lines);
            case 3:
                lines.RemoveAt(random.Next(lines.Count));
                return string.Join('\n', lines);
            case 4: // deep nesting in a value, or at the top
                var depth = new[] { 31, 33, 100, 5_000, 200_000 }[random.Next(5)];
                var open = random.Next(2) == 0 ? '[' : '{';
                var nest = new string(open, depth) + (random.Next(2) == 0 ? new string(open == '[' ? ']' : '}', depth) : "");
                return ReplaceValue(lines, random, nest);
            case 5:
                var numbers = Number().Matches(text);
                if (numbers.Count == 0) return text + "\nepochs: 1e400\n";
                var number = numbers[random.Next(numbers.Count)];
                return text[..number.Index] + HugeNumbers[random.Next(HugeNumbers.Length)] + text[(number.Index + number.Length)..];
            case 6:
                return ReplaceValue(lines, random, WrongValues[random.Next(WrongValues.Length)]);
            case 7:
                var at = random.Next(text.Length + 1);
                return text[..at] + Unicode[random.Next(Unicode.Length)] + text[at..];
            case 8: // an unknown key, at the top or indented into a mapping
                var key = new string(Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray());
                lines.Insert(random.Next(lines.Count + 1), (random.Next(2) == 0 ? "" : "  ") + $"{key}: {random.Next()}");
                return string.Join('\n', lines);
            case 9: // a huge value or key
                return ReplaceValue(lines, random, new string('x', random.Next(2) == 0 ? 100_000 : 2_000_000));
            default: // several mutations at once
                var mutated = text;
                for (var i = 0; i < 3; i++) mutated = Mutate(mutated, random);
                return mutated;
        }
    }

    /// <summary>Puts <paramref name="value"/> after the first ": " of a random line (or appends a line when none has one).</summary>
    static string ReplaceValue(List<string> lines, Random random, string value)
    {
        var candidates = Enumerable.Range(0, lines.Count).Where(i => lines[i].Contains(": ")).ToList();
        if (candidates.Count == 0) return string.Join('\n', lines) + $"\nlr: {value}\n";
        var line = candidates[random.Next(candidates.Count)];
        var colon = lines[line].IndexOf(": ", StringComparison.Ordinal);
        lines[line] = lines[line][..(colon + 2)] + value;
        return string.Join('\n', lines);
    }
}
