using System.Globalization;
using System.Text;
using System.Text.Json;
using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// A fork's sweep file: the user's file plus what it leaves out, taken from the source. Every hyperparameter the file gives
/// neither at the top level nor in `space` is the source trial's value; a missing name is the source sweep's with "-fork",
/// a missing metric (and mode) the source sweep's. The model's shape (architecture, encoding_dim, hidden_sizes) must stay the
/// source's, since every trial starts from its weights: varying one, or fixing it to another value, is refused naming the key.
/// The stored text is the composed file, so the sweep reads the same when its grain re-parses it: the keys are appended to a
/// block mapping (lines the user wrote keep their numbers) or inserted after the opening brace of a JSON or flow mapping.
/// </summary>
public static class ForkSpec
{
    /// <summary>The hyperparameters that decide the shape of the weights; a fork keeps them.</summary>
    public static IReadOnlyList<string> ShapeKeys { get; } =
        [HyperparameterCatalog.Architecture, HyperparameterCatalog.EncodingDim, HyperparameterCatalog.HiddenSizes];

    /// <summary>What a fork starts from: the source sweep's settings and the source trial's hyperparameters.</summary>
    public sealed record Source(string SweepName, string Metric, bool Maximize, string TrialId, Hyperparameters Parameters);

    /// <summary>Composes and parses the fork's file. Throws <see cref="SweepSpecException"/> naming the file, line and key.</summary>
    public static (string Text, SweepSpec Spec) Compose(string text, string sourceName, Source source, DataRoots? dataRoots = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.TrimStart('\uFEFF');
        SpecTextLimits.Check(text, sourceName);
        var root = (SpecFormat.IsJson(text) ? JsonSpecReader.Read(text, sourceName) : YamlSpecReader.Read(text, sourceName))
                   ?? new SpecMapping(1, 1, []); // all of it the source's: the same training again, from its weights
        var reader = new SpecValueReader(sourceName);
        var top = reader.Mapping(root, null, "a mapping of sweep settings (name: …, space: …) at the top level");
        var given = reader.Entries(top, null).ToDictionary(e => e.Key.Text, e => e);
        var varied = given.TryGetValue("space", out var space) && space.Value is SpecMapping spaceMapping
            ? reader.Entries(spaceMapping, "space").ToDictionary(e => e.Key.Text, e => e)
            : [];

        foreach (var key in ShapeKeys.Where(varied.ContainsKey))
            throw reader.Error(varied[key].Key, $"space.{key}",
                $"cannot vary in a fork: every trial starts from the weights of {source.TrialId}, which fix it{Fixed(source, key)}");
        if (given.TryGetValue(HyperparameterCatalog.Architecture, out var architecture) && architecture.Value is SpecScalar { Text: var named }
            && named != source.Parameters.Architecture)
            throw reader.Error(architecture.Value, HyperparameterCatalog.Architecture, Contradiction(source, HyperparameterCatalog.Architecture, named));

        var added = Inherited(source, given.Keys.Concat(varied.Keys).ToHashSet());
        var composed = added.Count == 0 ? text : Insert(text, top, added);
        var spec = SweepSpecParser.Parse(composed, sourceName, dataRoots);
        CheckShape(spec, source, reader, given);
        return (composed, spec);
    }

    /// <summary>The keys to add, as JSON values (which YAML reads the same), in the catalog's order after the settings.</summary>
    static List<(string Key, string Value)> Inherited(Source source, HashSet<string> given)
    {
        var added = new List<(string Key, string Value)>();
        if (!given.Contains("name")) added.Add(("name", JsonSerializer.Serialize(ForkName(source.SweepName))));
        if (!given.Contains("metric"))
        {
            added.Add(("metric", JsonSerializer.Serialize(source.Metric)));
            if (!given.Contains("mode")) added.Add(("mode", JsonSerializer.Serialize(source.Maximize ? "max" : "min")));
        }
        foreach (var definition in HyperparameterCatalog.All.Where(d => !given.Contains(d.Name)))
            if (definition.Get(source.Parameters) is { } value) added.Add((definition.Name, Json(value)));
        return added;
    }

    static string ForkName(string sourceName)
    {
        const string suffix = "-fork";
        return (sourceName.Length + suffix.Length <= 64 ? sourceName : sourceName[..(64 - suffix.Length)]) + suffix;
    }

    static string Json(ParameterValue value) => value switch
    {
        TextValue text => JsonSerializer.Serialize(text.Value),
        IntegerValue integer => integer.Value.ToString(CultureInfo.InvariantCulture),
        RealValue real => real.Value.ToString("R", CultureInfo.InvariantCulture),
        FlagValue flag => flag.Value ? "true" : "false",
        SizesValue sizes => $"[{string.Join(", ", sizes.Sizes)}]",
        _ => throw new ArgumentException($"unhandled value {value.GetType().Name}", nameof(value)),
    };

    /// <summary>After the opening brace of a JSON or flow mapping; else appended to the block mapping at its indentation.</summary>
    static string Insert(string text, SpecMapping top, List<(string Key, string Value)> added)
    {
        var at = Offset(text, top.Line, top.Column);
        if (at < text.Length && text[at] == '{')
        {
            var pairs = added.Select(a => $"{JsonSerializer.Serialize(a.Key)}: {a.Value}");
            return text[..(at + 1)] + string.Join(", ", pairs) + (top.Entries.IsEmpty ? "" : ", ") + text[(at + 1)..];
        }
        var indent = new string(' ', Math.Max(0, top.Column - 1));
        var block = new StringBuilder(text);
        if (text.Length > 0 && text[^1] != '\n') block.Append('\n');
        block.Append($"# added by `aegrid sweep fork`: what the file leaves out is the source's\n");
        foreach (var (key, value) in added) block.Append($"{indent}{key}: {value}\n");
        return block.ToString();
    }

    /// <summary>The character offset of a 1-based line and column.</summary>
    static int Offset(string text, int line, int column)
    {
        var offset = 0;
        for (var l = 1; l < line && offset < text.Length; l++)
        {
            var end = text.IndexOf('\n', offset);
            offset = end < 0 ? text.Length : end + 1;
        }
        return Math.Min(text.Length, offset + Math.Max(0, column - 1));
    }

    /// <summary>Every trial the sweep starts with must build the source's model; a key the file fixed otherwise is named.</summary>
    static void CheckShape(SweepSpec spec, Source source, SpecValueReader reader, Dictionary<string, SpecEntry> given)
    {
        var wanted = source.Parameters.WithDefaults();
        foreach (var trial in SamplerFactory.Create(spec).Next([], spec.InitialTrialCount))
        {
            var made = trial.WithDefaults();
            string? differs =
                made.Architecture != wanted.Architecture ? HyperparameterCatalog.Architecture
                : made.EncodingDim != wanted.EncodingDim ? HyperparameterCatalog.EncodingDim
                : !(made.HiddenSizes ?? []).SequenceEqual(wanted.HiddenSizes ?? []) ? HyperparameterCatalog.HiddenSizes
                : null;
            if (differs is null) continue;
            var definition = HyperparameterCatalog.Get(differs);
            var value = definition.Get(trial)?.ToString() ?? "its default";
            // The file gave it (what it leaves out is the source's); if it gave a related key instead, name that one.
            var culprit = given.ContainsKey(differs) ? differs : ShapeKeys.FirstOrDefault(given.ContainsKey) ?? differs;
            SpecNode where = given.TryGetValue(culprit, out var entry) ? entry.Value : new SpecScalar(1, 1, "", false);
            throw reader.Error(where, culprit, Contradiction(source, differs, value));
        }
    }

    static string Contradiction(Source source, string key, string value) =>
        $"{value} does not fit the weights of {source.TrialId}{Fixed(source, key)}: a fork keeps its source's model shape; " +
        $"leave {key} out (it is then the source's)";

    static string Fixed(Source source, string key)
    {
        var filled = source.Parameters.WithDefaults();
        return HyperparameterCatalog.Get(key).Get(filled) is { } value ? $" ({key}: {value})" : "";
    }
}
