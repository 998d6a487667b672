using System.CommandLine;
using AeGrid.Client.Cli;

namespace AeGrid.Client.Training;

/// <summary>
/// `aegrid train`'s hyperparameter options, one per <see cref="HyperparameterCatalog"/> entry: named after the catalog
/// name (batch_size → --batch-size), with the tutorials' shorter word first where there is one (--arch, --noise), its
/// description the catalog's. A hyperparameter added to the catalog is an option here without an edit.
/// </summary>
internal sealed class HyperparameterOptions
{
    private sealed record Entry(HyperparameterDefinition Definition, Option Option, Func<ParseResult, ParameterValue?> Read);

    private readonly IReadOnlyList<Entry> _entries = [.. HyperparameterCatalog.All.Select(Create)];

    public IEnumerable<Option> Options => _entries.Select(e => e.Option);

    /// <summary>The hyperparameters the command line gave; what it left out is null (the architecture's default).</summary>
    public Hyperparameters Read(ParseResult parse)
    {
        var parameters = new Hyperparameters { Architecture = "" };
        foreach (var entry in _entries)
        {
            if (entry.Read(parse) is { } value) parameters = entry.Definition.Set(parameters, value);
        }
        return parameters;
    }

    /// <summary>
    /// "--batch-size" for the catalog name batch_size (as <see cref="InvalidHyperparameterException"/> names it); null
    /// for no such parameter.
    /// </summary>
    public static string? CommandLineOption(string parameter) => HyperparameterCatalog.Find(parameter)?.CommandLineOption;

    private static Entry Create(HyperparameterDefinition definition)
    {
        var (name, description) = (definition.CommandLineOption, definition.Description);
        Entry entry = definition.Kind switch
        {
            ParameterKind.Text when definition.Choices.Count > 0 =>
                Typed(OptionFactory.Choice(name, description, [.. definition.Choices]), text => new TextValue(text!)),
            ParameterKind.Text => Typed(new Option<string?>(name) { Description = description, HelpName = "NAME" },
                text => new TextValue(text!)),
            ParameterKind.Integer when definition.Maximum <= int.MaxValue =>
                Typed(OptionFactory.WholeNumber(name, description), number => new IntegerValue(number!.Value)),
            ParameterKind.Integer => Typed(OptionFactory.LongWholeNumber(name, description), number => new IntegerValue(number!.Value)),
            ParameterKind.Real => Typed(OptionFactory.Number(name, description), number => new RealValue(number!.Value)),
            ParameterKind.Flag => Typed(new Option<bool?>(name) { Description = description }, flag => new FlagValue(flag!.Value)),
            ParameterKind.Sizes => Typed(OptionFactory.WholeNumberList(name, description), sizes => new SizesValue(new ValueList<int>(sizes!))),
            _ => throw new InvalidOperationException($"unhandled parameter kind {definition.Kind}"),
        };
        entry.Option.Required = definition.Required;
        // The derived name works too where the option shows a shorter word (--noise-factor beside --noise).
        if (definition.ShortOption is not null) entry.Option.Aliases.Add(definition.DerivedOption);
        return entry;

        Entry Typed<T>(Option<T> option, Func<T, ParameterValue> value) =>
            new(definition, option, parse => parse.GetValue(option) is { } given ? value(given) : null);
    }
}
