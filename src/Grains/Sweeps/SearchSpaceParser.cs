namespace AeGrid.Grains.Sweeps;

/// <summary>
/// Reads a sweep file's `space:` mapping: each hyperparameter maps to a list of values (a categorical choice, grid or
/// random) or one distribution: {uniform: [lo, hi]}, {loguniform: [lo, hi]}, {int: [lo, hi]} (inclusive) or
/// {choice: [a, b, …]}. `architecture:` may instead map each architecture to its own sub-space (a conditional space:
/// `architecture: {linear: {}, denoise-mlp: {hidden_sizes: [[256]]}}`), whose entries are read the same way.
/// Whether the search kind allows it is checked by <see cref="SweepSpecParser"/>.
/// </summary>
internal static class SearchSpaceParser
{
    private const string SpaceKey = "space";
    private static readonly string[] DistributionNames = ["uniform", "loguniform", "int", "choice"];

    /// <summary>A dimension with the entry it came from and its dotted key, so later checks can point at it.
    /// A conditional `architecture:` carries its architectures' parsed sub-spaces in <see cref="Branches"/>.</summary>
    public sealed record ParsedDimension(SearchDimension Dimension, SpecEntry Entry, string Key,
        IReadOnlyList<ParsedBranch>? Branches = null);

    /// <summary>One architecture of a conditional space: its key entry and its sub-space's dimensions.</summary>
    public sealed record ParsedBranch(string Architecture, SpecEntry Entry, string Key, IReadOnlyList<ParsedDimension> Dimensions);

    public static IReadOnlyList<ParsedDimension> Parse(SpecNode node, SpecValueReader reader) =>
        Dimensions(node, SpaceKey, reader, conditionalAllowed: true);

    private static List<ParsedDimension> Dimensions(SpecNode node, string parentKey, SpecValueReader reader, bool conditionalAllowed)
    {
        var mapping = reader.Mapping(node, parentKey, "a mapping from hyperparameter names to lists or distributions");
        var dimensions = new List<ParsedDimension>();
        foreach (var entry in reader.Entries(mapping, parentKey))
        {
            var name = entry.Key.Text;
            var key = $"{parentKey}.{name}";
            var definition = HyperparameterCatalog.Find(name)
                ?? throw reader.Error(entry.Key, key, KeySpelling.UnknownKey(name, HyperparameterCatalog.Names));
            if (name == HyperparameterCatalog.Architecture && !conditionalAllowed)
                throw reader.Error(entry.Key, key, "an architecture's sub-space cannot name architecture again");
            if (name == HyperparameterCatalog.Architecture && IsConditional(entry.Value)) dimensions.Add(Conditional(entry, key, reader));
            else dimensions.Add(new ParsedDimension(Dimension(definition, entry.Value, key, reader), entry, key));
        }
        return dimensions;
    }

    /// <summary>A mapping that is not one distribution ({choice: […]}) maps architectures to sub-spaces.</summary>
    private static bool IsConditional(SpecNode node) =>
        node is SpecMapping mapping && !(mapping.Entries.Length == 1 && DistributionNames.Contains(mapping.Entries[0].Key.Text));

    private static ParsedDimension Conditional(SpecEntry entry, string key, SpecValueReader reader)
    {
        var architectures = (SpecMapping)entry.Value;
        if (architectures.Entries.Length == 0)
            throw reader.Error(architectures, key, "needs at least one architecture mapped to its sub-space, like {linear: {}}");
        var branches = new List<ParsedBranch>();
        foreach (var branch in reader.Entries(architectures, key))
        {
            var architecture = branch.Key.Text;
            var branchKey = $"{key}.{architecture}";
            if (string.IsNullOrWhiteSpace(architecture)) throw reader.Error(branch.Key, branchKey, "an architecture name must not be empty");
            var subSpace = branch.Value is SpecScalar { IsNull: true }
                ? []
                : branch.Value is SpecMapping
                    ? Dimensions(branch.Value, branchKey, reader, conditionalAllowed: false)
                    : throw reader.Error(branch.Value, branchKey,
                        $"expected {architecture}'s sub-space: a mapping like {{noise_factor: {{uniform: [0.2, 0.7]}}}}, or {{}} for none; got {branch.Value.Describe()}");
            branches.Add(new ParsedBranch(architecture, branch, branchKey, subSpace));
        }
        var dimension = new ConditionalDimension(HyperparameterCatalog.Architecture, new ValueList<ArchitectureBranch>(
            branches.Select(b => new ArchitectureBranch(b.Architecture, new ValueList<SearchDimension>(b.Dimensions.Select(d => d.Dimension))))));
        return new ParsedDimension(dimension, entry, key, branches);
    }

    /// <summary>Every dimension with its key, the architectures' sub-space dimensions after the conditional one.</summary>
    public static IEnumerable<ParsedDimension> Flatten(IEnumerable<ParsedDimension> space) =>
        space.SelectMany(d => d.Branches is null ? [d] : new[] { d }.Concat(d.Branches.SelectMany(b => b.Dimensions)));

    private static SearchDimension Dimension(HyperparameterDefinition definition, SpecNode node, string key, SpecValueReader reader)
    {
        switch (node)
        {
            case SpecSequence list:
                return Categorical(definition, list, key, reader);
            case SpecMapping { Entries.Length: 1 } distribution when DistributionNames.Contains(distribution.Entries[0].Key.Text):
                var (kind, arguments) = (distribution.Entries[0].Key.Text, distribution.Entries[0].Value);
                return kind switch
                {
                    "choice" => arguments is SpecSequence choices
                        ? Categorical(definition, choices, key, reader)
                        : throw reader.Error(arguments, key, $"choice needs a list of values, got {arguments.Describe()}"),
                    "int" => Integer(definition, arguments, key, reader),
                    _ => Float(definition, arguments, key, log: kind == "loguniform", reader),
                };
            case SpecMapping { Entries.Length: 1 } unknown:
                var name = unknown.Entries[0].Key;
                throw reader.Error(name, key, KeySpelling.Closest(name.Text, DistributionNames) is { } meant
                    ? $"unknown distribution '{ErrorText.Quote(name.Text)}'; did you mean '{meant}'?"
                    : $"unknown distribution '{ErrorText.Quote(name.Text)}'; expected uniform, loguniform, int or choice");
            default:
                throw reader.Error(node, key,
                    $"expected a list of values or one distribution like {{loguniform: [1.0e-4, 1.0e-2]}}, got {node.Describe()}" +
                    (node is SpecScalar ? $"; a single value belongs at the top level ({definition.Name}: {node.Render()})" : ""));
        }
    }

    private static CategoricalDimension Categorical(HyperparameterDefinition definition, SpecSequence list, string key, SpecValueReader reader)
    {
        if (list.Items.Length == 0) throw reader.Error(list, key, "needs at least one value");
        // Checked before the values are compared with each other (quadratic in the list's length).
        if (list.Items.Length > SweepSpecParser.MaxGridSize)
            throw reader.Error(list, key, $"lists {list.Items.Length:N0} values; a sweep may have at most {SweepSpecParser.MaxGridSize:N0} trials");
        var choices = new List<ParameterValue>();
        for (var i = 0; i < list.Items.Length; i++)
        {
            var item = list.Items[i];
            if (definition.Kind == ParameterKind.Sizes && item is SpecScalar)
                throw reader.Error(item, $"{key}[{i}]",
                    $"expected a list of layer sizes like [256, 128], got {item.Describe()}; in space, {definition.Name} takes a list of such lists: [[256], [256, 128]]");
            var value = reader.Parameter(definition, item, $"{key}[{i}]");
            if (choices.Contains(value)) throw reader.Error(item, $"{key}[{i}]", $"lists {value} twice");
            choices.Add(value);
        }
        return new CategoricalDimension(definition.Name, new ValueList<ParameterValue>(choices));
    }

    private static FloatDimension Float(HyperparameterDefinition definition, SpecNode bounds, string key, bool log, SpecValueReader reader)
    {
        var distribution = log ? "loguniform" : "uniform";
        if (definition.Kind != ParameterKind.Real)
            throw reader.Error(bounds, key, $"{distribution} draws real numbers, but {definition.Name} takes {definition.ExpectedType}; " +
                (definition.Kind == ParameterKind.Integer ? "use {int: [low, high]} or a list" : "use a list"));
        var expected = log
            ? "loguniform needs two positive numbers [low, high] with low < high"
            : "uniform needs two numbers [low, high] with low < high";
        if (bounds is not SpecSequence { Items.Length: 2 } pair
            || pair.Items[0] is not SpecScalar lowNode || !lowNode.TryReal(out var low)
            || pair.Items[1] is not SpecScalar highNode || !highNode.TryReal(out var high)
            || low >= high || (log && low <= 0))
            throw reader.Error(bounds, key, $"{expected}, got {bounds.Render()}");
        CheckBound(definition, new RealValue(low), bounds, key, reader);
        CheckBound(definition, new RealValue(high), bounds, key, reader);
        return new FloatDimension(definition.Name, low, high, log);
    }

    private static IntegerDimension Integer(HyperparameterDefinition definition, SpecNode bounds, string key, SpecValueReader reader)
    {
        if (definition.Kind != ParameterKind.Integer)
            throw reader.Error(bounds, key, $"int draws integers, but {definition.Name} takes {definition.ExpectedType}; " +
                (definition.Kind == ParameterKind.Real ? "use {uniform: [low, high]} or {loguniform: [low, high]}" : "use a list"));
        if (bounds is not SpecSequence { Items.Length: 2 } pair
            || pair.Items[0] is not SpecScalar lowNode || !lowNode.TryInteger(out var low)
            || pair.Items[1] is not SpecScalar highNode || !highNode.TryInteger(out var high)
            || low > high)
            throw reader.Error(bounds, key, $"int needs two integers [low, high] with low <= high (both included), got {bounds.Render()}");
        CheckBound(definition, new IntegerValue(low), bounds, key, reader);
        CheckBound(definition, new IntegerValue(high), bounds, key, reader);
        return new IntegerDimension(definition.Name, low, high);
    }

    private static void CheckBound(HyperparameterDefinition definition, ParameterValue bound, SpecNode bounds, string key, SpecValueReader reader)
    {
        if (definition.Problem(bound) is { } problem) throw reader.Error(bounds, key, $"{definition.Name} {problem}");
    }
}
