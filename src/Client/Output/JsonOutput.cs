using System.Text.Json;
using System.Text.Json.Serialization;

namespace AeGrid.Client.Output;

/// <summary>
/// The JSON every `aegrid` command prints with --json and writes to files: snake_case names, hyperparameters by their
/// catalog names (as sweep files spell them), enums as snake_case strings, nulls left out ("does not apply"), NaN/Infinity as strings so a diverged run still serialises.
/// </summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new HyperparametersJsonConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes one JSON document followed by a newline.</summary>
    public static void Write<T>(TextWriter writer, T value) => writer.WriteLine(Serialize(value));

    /// <summary>Writes via a temporary file and a rename, so readers never see half a file.</summary>
    public static void WriteFile<T>(string path, T value) =>
        AtomicFile.WriteAllText(path, Serialize(value) + Environment.NewLine);
}
