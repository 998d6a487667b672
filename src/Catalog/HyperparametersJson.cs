using System.Text;
using System.Text.Json;

namespace AeGrid.Catalog;

/// <summary>
/// The canonical JSON of a trial's <see cref="Hyperparameters"/>, as stored (jsonb), carried over the wire and printed by
/// every --json and file the CLI writes: snake_case keys spelled as in sweep files, in
/// <see cref="HyperparameterCatalog.All"/> order, nulls omitted, compact. Equal hyperparameters always give the same
/// text, so the text can be compared and indexed.
/// </summary>
public static class HyperparametersJson
{
    public static string Serialize(Hyperparameters parameters)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) Write(writer, parameters);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the object onto <paramref name="writer"/> (a JSON converter's way in: the CLI's --json documents).</summary>
    public static void Write(Utf8JsonWriter writer, Hyperparameters parameters)
    {
        writer.WriteStartObject();
        foreach (var definition in HyperparameterCatalog.All)
        {
            switch (definition.Get(parameters))
            {
                case null: break;
                case TextValue text: writer.WriteString(definition.Name, text.Value); break;
                case IntegerValue integer: writer.WriteNumber(definition.Name, integer.Value); break;
                case RealValue real: writer.WriteNumber(definition.Name, real.Value); break;
                case FlagValue flag: writer.WriteBoolean(definition.Name, flag.Value); break;
                case SizesValue sizes:
                    writer.WriteStartArray(definition.Name);
                    foreach (var size in sizes.Sizes) writer.WriteNumberValue(size);
                    writer.WriteEndArray();
                    break;
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote (any key order). Throws <see cref="FormatException"/> naming the bad key.</summary>
    public static Hyperparameters Deserialize(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"hyperparameters JSON is not valid JSON: {e.Message}", e);
        }
        using (document) return Read(document.RootElement);
    }

    /// <summary>
    /// Reads one object as <see cref="Deserialize"/> does. A former name (learning_rate, which `aegrid train` and the
    /// store wrote before the names were one) reads as its parameter, so older rows and files keep working.
    /// </summary>
    public static Hyperparameters Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new FormatException($"hyperparameters JSON must be an object, got {element.ValueKind}");

        var values = new List<(HyperparameterDefinition Definition, ParameterValue Value)>();
        foreach (var property in element.EnumerateObject())
        {
            var definition = HyperparameterCatalog.All.FirstOrDefault(d => d.IsSpelled(property.Name))
                ?? throw new FormatException($"hyperparameters JSON: unknown key '{property.Name}'");
            if (property.Value.ValueKind == JsonValueKind.Null) continue;
            values.Add((definition, ReadValue(definition, property.Value)));
        }

        var architecture = values.FirstOrDefault(v => v.Definition.Name == HyperparameterCatalog.Architecture).Value
            ?? throw new FormatException("hyperparameters JSON: 'architecture' is required");
        var parameters = new Hyperparameters { Architecture = ((TextValue)architecture).Value };
        foreach (var (definition, value) in values) parameters = definition.Set(parameters, value);
        return parameters;
    }

    private static ParameterValue ReadValue(HyperparameterDefinition definition, JsonElement element)
    {
        ParameterValue? value = (definition.Kind, element.ValueKind) switch
        {
            (ParameterKind.Text, JsonValueKind.String) => new TextValue(element.GetString()!),
            // A number wider than the record's member (int, or long for the seed) is unreadable, not silently cut.
            (ParameterKind.Integer, JsonValueKind.Number) when element.TryGetInt64(out var integer) && FitsMember(definition, integer) =>
                new IntegerValue(integer),
            (ParameterKind.Real, JsonValueKind.Number) => new RealValue(element.GetDouble()),
            (ParameterKind.Flag, JsonValueKind.True) => new FlagValue(true),
            (ParameterKind.Flag, JsonValueKind.False) => new FlagValue(false),
            (ParameterKind.Sizes, JsonValueKind.Array) when element.EnumerateArray().All(IsInt32) =>
                new SizesValue(new ValueList<int>(element.EnumerateArray().Select(e => e.GetInt32()))),
            _ => null,
        };
        // Bounds are not checked here: a stored trial whose values are out of range must still read, so that it can
        // fail with its error stored (HyperparameterCatalog.CheckRanges, when it is trained) instead of making its
        // sweep, or the wire, unreadable.
        return value ?? throw new FormatException(
            $"hyperparameters JSON: '{definition.Name}' must be {definition.ExpectedType}, got {element.GetRawText()}");
    }

    private static bool FitsMember(HyperparameterDefinition definition, long value) =>
        definition.Maximum > int.MaxValue || value is >= int.MinValue and <= int.MaxValue;

    private static bool IsInt32(JsonElement element) => element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out _);
}
