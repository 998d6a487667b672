namespace AeGrid.Grains.Sweeps;

/// <summary>Reads `tpe:` — {startup_trials: 10, candidates: 24}, both optional (Optuna's defaults).</summary>
internal static class TpeOptionsParser
{
    private const string TpeKey = "tpe";
    private static readonly string[] Keys = ["startup_trials", "candidates"];
    /// <summary>More candidates than this cost proposal time and no longer change which point wins.</summary>
    public const int MaxCandidates = 10_000;

    public static TpeOptions Parse(SpecNode node, SpecValueReader reader)
    {
        if (node is SpecScalar { IsNull: true }) return new TpeOptions();
        var mapping = reader.Mapping(node, TpeKey, "a mapping of TPE settings like {startup_trials: 10, candidates: 24}");
        var options = new TpeOptions();
        foreach (var entry in reader.Entries(mapping, TpeKey))
        {
            var key = $"{TpeKey}.{entry.Key.Text}";
            options = entry.Key.Text switch
            {
                "startup_trials" => options with { StartupTrials = (int)reader.Integer(entry.Value, key, 0, SweepSpecParser.MaxTrials) },
                "candidates" => options with { Candidates = (int)reader.Integer(entry.Value, key, 1, MaxCandidates) },
                var other => throw reader.Error(entry.Key, key, KeySpelling.UnknownKey(other, Keys)),
            };
        }
        return options;
    }
}
