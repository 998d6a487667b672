namespace AeGrid.Grains.Sweeps;

/// <summary>
/// Reads `pruner:` — `none` (default), `median`, `asha`, or one of those mapped to its settings:
/// {median: {startup_trials: 5, warmup_epochs: 1, interval: 1}}, {asha: {min_epochs: 1, reduction_factor: 3}}.
/// </summary>
internal static class PrunerSpecParser
{
    private const string PrunerKey = "pruner";
    private static readonly string[] Kinds = ["none", "median", "asha"];
    private const string Expected = "expected none, median or asha, or one of them with settings like {median: {startup_trials: 5}}";

    public static PrunerSpec Parse(SpecNode node, SpecValueReader reader)
    {
        switch (node)
        {
            case SpecScalar { IsNull: false } scalar:
                return Create(scalar.Text, settings: null, scalar, reader);
            case SpecMapping { Entries.Length: 1 } mapping:
                var (kind, settings) = (mapping.Entries[0].Key, mapping.Entries[0].Value);
                return Create(kind.Text, settings is SpecScalar { IsNull: true } ? null : settings, kind, reader);
            default:
                throw reader.Error(node, PrunerKey, $"{Expected}, got {node.Describe()}");
        }
    }

    private static PrunerSpec Create(string kind, SpecNode? settings, SpecNode kindNode, SpecValueReader reader)
    {
        var key = $"{PrunerKey}.{kind}";
        IReadOnlyList<SpecEntry> values = settings is null
            ? []
            : reader.Entries(reader.Mapping(settings, key, "a mapping of pruner settings"), key);
        switch (kind)
        {
            case "none" when values.Count == 0:
                return new NoPrunerSpec();
            case "none":
                throw reader.Error(settings!, key, "pruner none takes no settings");
            case "median":
                var median = new MedianPrunerSpec();
                foreach (var (nameNode, node) in values)
                {
                    var (name, settingKey) = (nameNode.Text, $"{key}.{nameNode.Text}");
                    median = name switch
                    {
                        "startup_trials" => median with { StartupTrials = reader.Integer(node, settingKey, min: 0) },
                        "warmup_epochs" => median with { WarmupEpochs = reader.Integer(node, settingKey, min: 0) },
                        "interval" => median with { Interval = reader.Integer(node, settingKey, min: 1) },
                        _ => throw UnknownSetting(reader, nameNode, key, ["startup_trials", "warmup_epochs", "interval"]),
                    };
                }
                return median;
            case "asha":
                var asha = new AshaPrunerSpec();
                foreach (var (nameNode, node) in values)
                {
                    var (name, settingKey) = (nameNode.Text, $"{key}.{nameNode.Text}");
                    asha = name switch
                    {
                        "min_epochs" => asha with { MinEpochs = reader.Integer(node, settingKey, min: 1) },
                        "reduction_factor" => asha with { ReductionFactor = reader.Integer(node, settingKey, min: 2) },
                        _ => throw UnknownSetting(reader, nameNode, key, ["min_epochs", "reduction_factor"]),
                    };
                }
                return asha;
            default:
                throw reader.Error(kindNode, PrunerKey, KeySpelling.Closest(kind, Kinds) is { } meant
                    ? $"unknown pruner '{ErrorText.Quote(kind)}'; did you mean '{meant}'?"
                    : $"unknown pruner '{ErrorText.Quote(kind)}'; {Expected}");
        }
    }

    private static SweepSpecException UnknownSetting(SpecValueReader reader, SpecScalar name, string key, IReadOnlyCollection<string> known) =>
        reader.Error(name, $"{key}.{name.Text}", KeySpelling.UnknownKey(name.Text, known));
}
