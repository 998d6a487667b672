using System.Reflection;
using System.Text.Json;
using AeGrid.Models.Training;

namespace AeGrid.Client.Training;

/// <summary>
/// How each TrainingConfig member is spelt on the command line (--batch-size) and in JSON (batch_size).
/// Read from the record itself, so a member Models adds later still shows up in recipes and errors.
/// </summary>
internal static class HyperparameterNames
{
    /// <param name="Option">Command-line spelling without dashes, e.g. "lr".</param>
    /// <param name="JsonName">Key in --json output and config.json, e.g. "learning_rate".</param>
    internal sealed record Member(string Option, string JsonName, PropertyInfo Property)
    {
        public object? Read(TrainingConfig config) => Property.GetValue(config);
    }

    // Where the CLI uses a shorter word than the property name (the tutorials say "lr" and "noise").
    private static readonly Dictionary<string, string> ShortOptions = new()
    {
        [nameof(TrainingConfig.Architecture)] = "arch",
        [nameof(TrainingConfig.LearningRate)] = "lr",
        [nameof(TrainingConfig.NoiseFactor)] = "noise",
    };

    private static readonly IReadOnlyList<Member> AllMembers = typeof(TrainingConfig)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
        .OrderBy(p => p.MetadataToken) // declaration order
        .Select(p => new Member(
            ShortOptions.GetValueOrDefault(p.Name) ?? JsonNamingPolicy.KebabCaseLower.ConvertName(p.Name),
            JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name),
            p))
        .ToList();

    /// <summary>The members a tutorial recipe can fill: all but the architecture and the (always set) seed.</summary>
    public static IReadOnlyList<Member> Defaultable { get; } = AllMembers
        .Where(m => m.Property.Name is not (nameof(TrainingConfig.Architecture) or nameof(TrainingConfig.Seed)))
        .ToList();

    /// <summary>
    /// "--batch-size" for a parameter named "batch_size", "batch-size" or "BatchSize" (InvalidHyperparameterException
    /// and sweep files use snake_case, Models may say "lr" or "architecture"); null when no option matches.
    /// </summary>
    public static string? CommandLineOption(string parameter)
    {
        var member = AllMembers.FirstOrDefault(m =>
            string.Equals(m.Option, parameter, StringComparison.OrdinalIgnoreCase)
            || string.Equals(m.JsonName, parameter, StringComparison.OrdinalIgnoreCase)
            || string.Equals(m.Property.Name, parameter, StringComparison.OrdinalIgnoreCase)
            || string.Equals(m.Option, parameter.Replace('_', '-'), StringComparison.OrdinalIgnoreCase));
        return member is null ? null : "--" + member.Option;
    }
}
