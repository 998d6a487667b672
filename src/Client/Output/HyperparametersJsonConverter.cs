using System.Text.Json;
using System.Text.Json.Serialization;

namespace AeGrid.Client.Output;

/// <summary>
/// Writes <see cref="Hyperparameters"/> inside any --json document or file (train's report, config.json, report.json)
/// as the catalog's JSON, so they use the names of sweep files and the store; reads older files' names too.
/// </summary>
internal sealed class HyperparametersJsonConverter : JsonConverter<Hyperparameters>
{
    public override Hyperparameters Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        try
        {
            return HyperparametersJson.Read(document.RootElement);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, Hyperparameters value, JsonSerializerOptions options) =>
        HyperparametersJson.Write(writer, value);
}
