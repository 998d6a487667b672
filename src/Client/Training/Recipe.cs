using AeGrid.Client.Output;
using AeGrid.Models.Training;

namespace AeGrid.Client.Training;

/// <summary>
/// Which hyperparameters came from the architecture's tutorial recipe (left unset on the command line) and which
/// the user set, so a run's output says exactly what was trained.
/// </summary>
internal sealed record Recipe(string Architecture, IReadOnlyList<Recipe.Setting> FromTutorial,
    IReadOnlyList<Recipe.Setting> FromCommandLine, long Seed)
{
    /// <param name="Option">The command-line spelling without dashes, e.g. "batch-size".</param>
    /// <param name="JsonName">The catalog name: the key in sweep files, --json output and config.json, e.g. "batch_size".</param>
    internal sealed record Setting(string Option, string JsonName, string Value);

    /// <param name="requested">The config as the command line gave it (nulls = unset).</param>
    /// <param name="filled">The same after <see cref="TrainingRules.WithDefaults"/>.</param>
    public static Recipe Compare(Hyperparameters requested, Hyperparameters filled)
    {
        var fromTutorial = new List<Setting>();
        var fromCommandLine = new List<Setting>();
        // All but the architecture and the (always set) seed: what a tutorial recipe can fill.
        var recipeParameters = HyperparameterCatalog.All
            .Where(d => d.Name is not (HyperparameterCatalog.Architecture or HyperparameterCatalog.Seed));
        foreach (var definition in recipeParameters)
        {
            var option = definition.CommandLineOption[2..];
            if (definition.Get(requested) is { } given)
            {
                fromCommandLine.Add(new(option, definition.Name, Typed(given)));
            }
            else if (definition.Get(filled) is { } defaulted)
            {
                fromTutorial.Add(new(option, definition.Name, Typed(defaulted)));
            }
            // Null in both: the parameter does not apply to this architecture (e.g. --noise for linear).
        }
        return new(filled.Architecture, fromTutorial, fromCommandLine, filled.Seed);
    }

    /// <summary>One line, e.g. "Recipe: linear tutorial defaults (encoding-dim 32, …); set here: epochs 1; seed 1".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        parts.Add(FromTutorial.Count > 0
            ? $"Recipe: {Architecture} tutorial defaults ({Join(FromTutorial)})"
            : $"Recipe: {Architecture}, no tutorial defaults needed");
        if (FromCommandLine.Count > 0)
        {
            parts.Add($"set here: {Join(FromCommandLine)}");
        }
        parts.Add($"seed {Seed}");
        return string.Join("; ", parts);
    }

    /// <summary>A value as it is typed on the command line: "256,128" for layer sizes.</summary>
    private static string Typed(ParameterValue value) => value switch
    {
        SizesValue sizes => Formats.Value(sizes.Sizes),
        RealValue real => Formats.Value(real.Value),
        _ => value.ToString(),
    };

    private static string Join(IEnumerable<Setting> settings) =>
        string.Join(", ", settings.Select(s => $"{s.Option} {s.Value}"));
}
