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
    /// <param name="Option">The command-line spelling, e.g. "lr".</param>
    /// <param name="JsonName">The key in --json output and config.json, e.g. "learning_rate".</param>
    internal sealed record Setting(string Option, string JsonName, string Value);

    /// <param name="requested">The config as the command line gave it (nulls = unset).</param>
    /// <param name="filled">The same after <see cref="TrainingConfig.WithDefaults"/>.</param>
    public static Recipe Compare(TrainingConfig requested, TrainingConfig filled)
    {
        var fromTutorial = new List<Setting>();
        var fromCommandLine = new List<Setting>();
        foreach (var member in HyperparameterNames.Defaultable)
        {
            if (member.Read(requested) is { } given)
            {
                fromCommandLine.Add(new(member.Option, member.JsonName, Formats.Value(given)));
            }
            else if (member.Read(filled) is { } defaulted)
            {
                fromTutorial.Add(new(member.Option, member.JsonName, Formats.Value(defaulted)));
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

    private static string Join(IEnumerable<Setting> settings) =>
        string.Join(", ", settings.Select(s => $"{s.Option} {s.Value}"));
}
