using System.Globalization;
using System.Text.Json.Nodes;
using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Client.Output;

/// <summary>How a pbt trial's lineage reads: "t0003 ← t0005 @ epoch 4: lr 0.001 → 0.0012", and as JSON.</summary>
internal static class LineageFormat
{
    public static string Line(string trialId, TrialExploit exploit) =>
        $"{Short(trialId)} ← {Short(exploit.DonorId)} @ epoch {exploit.Epoch}: {Changes(exploit)}";

    /// <summary>The hyperparameters the exploit changed, "lr 0.001 → 0.0012, noise_factor 0.3 → 0.36".</summary>
    public static string Changes(TrialExploit exploit)
    {
        var changed = HyperparameterCatalog.All
            .Select(d => (d.Name, Old: d.Get(exploit.OldParameters), New: d.Get(exploit.NewParameters)))
            .Where(c => !Equals(c.Old, c.New))
            .Select(c => $"{c.Name} {Value(c.Old)} → {Value(c.New)}")
            .ToList();
        return changed.Count == 0 ? "no change" : string.Join(", ", changed);
    }

    public static JsonArray Json(IEnumerable<TrialExploit> exploits) => new([.. exploits.Select(e => (JsonNode)new JsonObject
    {
        ["donor"] = e.DonorId,
        ["epoch"] = e.Epoch,
        ["old_hyperparameters"] = GridJson.Parameters(e.OldParameters),
        ["new_hyperparameters"] = GridJson.Parameters(e.NewParameters),
        ["at"] = e.At.ToString("O", CultureInfo.InvariantCulture),
    })]);

    static string Value(ParameterValue? value) => value switch
    {
        null => "default",
        RealValue r => r.Value.ToString("G4", CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static string Short(string trialId) => trialId[(trialId.LastIndexOf("-t", StringComparison.Ordinal) + 1)..];
}
