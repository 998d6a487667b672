using System.Globalization;
using System.Text.Json;
using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;
using AeGrid.Models.Training;

namespace AeGrid.Client.Output;

/// <summary>
/// The hyperparameters worth a column: those whose value, as trained (tutorial defaults filled in), differs between
/// trials of the same architecture. A sweep's rows differ only in what it searched, so showing every setting on every
/// row hides that; and what differs only with the architecture (each one's default code size) is told by the
/// architecture column. --verbose shows them all. Names are the catalog's, as sweep files spell them (lr, batch_size, encoding_dim, …).
/// </summary>
internal sealed class HyperparameterColumns
{
    readonly IReadOnlyList<string> _names;

    HyperparameterColumns(IReadOnlyList<string> names) => _names = names;

    /// <summary>The names shown, in the catalog's order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <param name="trials">Every trial of the sweep (not only the rows shown), so a column means the same on every view.</param>
    /// <param name="all">--verbose: every setting, varying or not (architecture has its own column).</param>
    public static HyperparameterColumns For(IEnumerable<Hyperparameters> trials, bool all)
    {
        var rows = trials.Select(AsTrained).ToList();
        var byArchitecture = rows.GroupBy(r => r.GetValueOrDefault(HyperparameterCatalog.Architecture, "")).ToList();
        var names = rows.SelectMany(r => r.Keys).Distinct().Where(n => n != HyperparameterCatalog.Architecture)
            .Where(n => all || byArchitecture.Any(g => g.Select(r => r.GetValueOrDefault(n, "")).Distinct().Count() > 1))
            .ToList();
        return new HyperparameterColumns(names);
    }

    /// <summary>"lr=0.001 batch_size=50"; empty when nothing varies.</summary>
    public string Describe(Hyperparameters parameters)
    {
        var values = AsTrained(parameters);
        return string.Join(' ', _names.Where(values.ContainsKey).Select(n => $"{n}={values[n]}"));
    }

    /// <summary>Each setting as trained, by its catalog name, formatted compactly ("256,128" for a list).</summary>
    public static IReadOnlyDictionary<string, string> AsTrained(Hyperparameters parameters)
    {
        Hyperparameters config;
        try
        {
            config = parameters.WithDefaults();
        }
        catch (Exception e) when (e is InvalidHyperparameterException or ArgumentException)
        {
            // An architecture this client does not know (a newer silo): show what was set rather than nothing.
            config = parameters;
        }
        var element = JsonSerializer.SerializeToElement(config, JsonOutput.Options);
        var values = new Dictionary<string, string>();
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null) continue;
            values[property.Name] = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? "",
                JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(v => v.GetRawText())),
                JsonValueKind.Number => value.GetDouble().ToString("G6", CultureInfo.InvariantCulture),
                _ => value.GetRawText(),
            };
        }
        return values;
    }
}
