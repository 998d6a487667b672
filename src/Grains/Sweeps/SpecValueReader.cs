namespace AeGrid.Grains.Sweeps;

/// <summary>
/// Reads typed values out of <see cref="SpecNode"/>s for one sweep file, failing with a
/// <see cref="SweepSpecException"/> that names the file, line, column and key and says what was expected.
/// </summary>
internal sealed class SpecValueReader(string sourceName)
{
    public string SourceName { get; } = sourceName;

    public SweepSpecException Error(SpecNode node, string? key, string problem) =>
        new(SourceName, node.Line, node.Column, key, problem);

    public SpecMapping Mapping(SpecNode node, string? key, string expected) =>
        node as SpecMapping ?? throw Error(node, key, $"expected {expected}, got {node.Describe()}");

    /// <summary>The mapping's entries, refusing duplicate keys (YAML forbids them; JSON parsers disagree).</summary>
    public IReadOnlyList<SpecEntry> Entries(SpecMapping mapping, string? parentKey)
    {
        var seen = new Dictionary<string, SpecScalar>();
        foreach (var entry in mapping.Entries)
        {
            if (seen.TryGetValue(entry.Key.Text, out var first))
                throw Error(entry.Key, Join(parentKey, entry.Key.Text), $"duplicate key '{ErrorText.Quote(entry.Key.Text)}' (first given at line {first.Line})");
            seen[entry.Key.Text] = entry.Key;
        }
        return mapping.Entries;
    }

    public string Text(SpecNode node, string key) => node switch
    {
        SpecScalar { IsNull: false } scalar => scalar.Text,
        _ => throw Error(node, key, $"expected text, got {node.Describe()}"),
    };

    public long Integer(SpecNode node, string key, long min, long max)
    {
        if (node is not SpecScalar scalar || !scalar.TryInteger(out var value))
            throw Error(node, key, $"expected an integer, got {node.Describe()}");
        if (value < min) throw Error(node, key, $"must be at least {min}, got {value}");
        if (value > max) throw Error(node, key, $"must be at most {max}, got {value}");
        return value;
    }

    public int Integer(SpecNode node, string key, int min) => (int)Integer(node, key, min, int.MaxValue);

    public double Real(SpecNode node, string key) =>
        node is SpecScalar scalar && scalar.TryReal(out var value)
            ? value
            : throw Error(node, key, $"expected a finite number, got {node.Describe()}");

    /// <summary>A hyperparameter's value, of its kind and within the range every architecture shares.</summary>
    public ParameterValue Parameter(HyperparameterDefinition definition, SpecNode node, string key)
    {
        var value = TryParameter(definition, node)
            ?? throw Error(node, key, $"expected {definition.ExpectedType}, got {node.Describe()}");
        if (definition.Problem(value) is { } problem) throw Error(node, key, problem);
        return value;
    }

    private static ParameterValue? TryParameter(HyperparameterDefinition definition, SpecNode node)
    {
        switch (definition.Kind)
        {
            case ParameterKind.Sizes:
                if (node is not SpecSequence sequence) return null;
                var sizes = new List<int>();
                foreach (var item in sequence.Items)
                {
                    if (item is not SpecScalar size || !size.TryInteger(out var n) || n is < int.MinValue or > int.MaxValue) return null;
                    sizes.Add((int)n);
                }
                return new SizesValue(new ValueList<int>(sizes));
            default:
                if (node is not SpecScalar { IsNull: false } scalar) return null;
                return definition.Kind switch
                {
                    ParameterKind.Text => new TextValue(scalar.Text),
                    ParameterKind.Integer => scalar.TryInteger(out var integer) ? new IntegerValue(integer) : null,
                    ParameterKind.Real => scalar.TryReal(out var real) ? new RealValue(real) : null,
                    ParameterKind.Flag => scalar.TryFlag(out var flag) ? new FlagValue(flag) : null,
                    _ => null,
                };
        }
    }

    public static string Join(string? parent, string key) => parent is null ? key : $"{parent}.{key}";
}
