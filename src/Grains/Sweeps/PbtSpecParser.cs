namespace AeGrid.Grains.Sweeps;

/// <summary>
/// Reads `pbt:` ({perturbation_interval: 2, quantile: 0.25, resample_probability: 0.25}, every key optional) and checks
/// what a `search: pbt` sweep may contain: a trial count (the population), a space of perturbable parameters only, and no
/// pruner (an exploit already replaces a bad trial's weights; a pruned member would shrink the population and leave
/// nobody to exploit from).
/// </summary>
internal static class PbtSpecParser
{
    private const string PbtKey = "pbt";
    private static readonly string[] Settings = ["perturbation_interval", "quantile", "resample_probability"];

    public static PbtSpec Parse(SpecNode node, SpecValueReader reader)
    {
        var pbt = new PbtSpec();
        if (node is SpecScalar { IsNull: true }) return pbt;
        foreach (var (nameNode, value) in reader.Entries(reader.Mapping(node, PbtKey, "a mapping of pbt settings like {perturbation_interval: 2}"), PbtKey))
        {
            var key = $"{PbtKey}.{nameNode.Text}";
            pbt = nameNode.Text switch
            {
                "perturbation_interval" => pbt with { PerturbationInterval = reader.Integer(value, key, min: 1) },
                "quantile" => pbt with { Quantile = Fraction(reader, value, key, 0, 0.5, "more than 0 and at most 0.5 (the bottom and top quantiles may not overlap)") },
                "resample_probability" => pbt with { ResampleProbability = Fraction(reader, value, key, -1, 1, "from 0 to 1") },
                _ => throw reader.Error(nameNode, key, KeySpelling.UnknownKey(nameNode.Text, Settings)),
            };
        }
        return pbt;
    }

    /// <summary>A number in (<paramref name="lowExclusive"/>, <paramref name="high"/>]; a low of -1 means from 0 inclusive.</summary>
    private static double Fraction(SpecValueReader reader, SpecNode node, string key, double lowExclusive, double high, string range)
    {
        var value = reader.Real(node, key);
        bool ok = lowExclusive < 0 ? value >= 0 && value <= high : value > lowExclusive && value <= high;
        return ok ? value : throw reader.Error(node, key, $"must be {range}, got {value}");
    }

    /// <summary>The checks a pbt sweep needs beyond a random search's; <paramref name="pbtNode"/> is null when `pbt:` was left out.</summary>
    public static void Check(SweepSpec spec, IReadOnlyList<SearchSpaceParser.ParsedDimension> space, SpecNode top,
        SpecNode? prunerNode, SpecNode? pbtNode, SpecValueReader reader)
    {
        if (spec.Search != SearchKind.Pbt)
        {
            if (pbtNode is not null) throw reader.Error(pbtNode, PbtKey, "pbt settings need search: pbt");
            return;
        }
        if (spec.Trials < 2) throw reader.Error(top, "trials", $"search: pbt needs a population of at least 2 trials, got {spec.Trials}");
        if (prunerNode is not null && spec.Pruner is not NoPrunerSpec)
            throw reader.Error(prunerNode, "pruner", "search: pbt takes no pruner: its exploits already replace the bottom trials' weights, and a pruned trial would leave the population");
        foreach (var dimension in space.Where(d => !PbtSpec.PerturbableParameters.Contains(d.Dimension.Parameter)))
            throw reader.Error(dimension.Entry.Key, dimension.Key,
                $"search: pbt cannot vary {dimension.Dimension.Parameter}: a trial continues from another's checkpoint, so only " +
                $"{string.Join(", ", PbtSpec.PerturbableParameters)} may vary (give {dimension.Dimension.Parameter} one value at the top level)");
        if (space.Count == 0) throw reader.Error(top, "space", $"search: pbt needs a space to perturb: one or more of {string.Join(", ", PbtSpec.PerturbableParameters)}");
        var epochs = spec.Fixed.FirstOrDefault(f => f.Parameter == HyperparameterCatalog.Epochs)?.Value is IntegerValue e ? e.Value : (long?)null;
        if (epochs is { } total && spec.Pbt!.PerturbationInterval >= total)
            throw reader.Error(pbtNode ?? top, $"{PbtKey}.perturbation_interval",
                $"must be less than epochs ({total}), got {spec.Pbt.PerturbationInterval}: no trial would ever be exploited");
    }
}
