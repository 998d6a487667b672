using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace AeGrid.Client.Cli;

/// <summary>
/// Options whose parse errors name the option and quote the value ("--epochs: 'ten' is not a whole number")
/// instead of System.CommandLine's .NET type names. Ranges are not checked here: TrainingRules.Validate owns them.
/// </summary>
internal static class OptionFactory
{
    public static Option<int?> WholeNumber(string name, string description) =>
        Parsed<int?>(name, description, "N", text =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null,
            "is not a whole number");

    public static Option<long?> LongWholeNumber(string name, string description) =>
        Parsed<long?>(name, description, "N", text =>
            long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null,
            "is not a whole number");

    public static Option<double?> Number(string name, string description) =>
        Parsed<double?>(name, description, "F", text =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : null,
            "is not a number");

    /// <summary>A comma-separated list such as "256,128".</summary>
    public static Option<IReadOnlyList<int>?> WholeNumberList(string name, string description) =>
        Parsed<IReadOnlyList<int>?>(name, description, "N,N,...", text =>
        {
            var parts = text.Split(',', StringSplitOptions.TrimEntries);
            var values = new List<int>(parts.Length);
            foreach (var part in parts)
            {
                if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    return null;
                }
                values.Add(value);
            }
            return values;
        }, "is not a comma-separated list of whole numbers (e.g. 256,128)");

    /// <summary>One of a fixed set of words, compared case-insensitively and returned in lower case.</summary>
    public static Option<string?> Choice(string name, string description, params string[] choices) =>
        Parsed<string?>(name, description, string.Join('|', choices), text =>
            choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase)),
            $"is not one of {string.Join(", ", choices)}");

    private static Option<T> Parsed<T>(string name, string description, string helpName, Func<string, T> parse,
        string problem) =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseSingleToken(result, name, parse, problem),
        };

    private static T ParseSingleToken<T>(ArgumentResult result, string name, Func<string, T> parse, string problem)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
        var value = parse(text);
        if (value is null)
        {
            result.AddError($"{name}: '{text}' {problem}");
        }
        return value;
    }
}
