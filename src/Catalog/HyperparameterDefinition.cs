namespace AeGrid.Catalog;

/// <summary>What kind of value a hyperparameter takes; decides how sweep files, JSON and the CLI spell it.</summary>
public enum ParameterKind { Text, Integer, Real, Flag, Sizes }

/// <summary>
/// One hyperparameter: its name (sweep files, the store and every JSON output spell it so; the CLI option is derived
/// from it), kind, description, the <see cref="Hyperparameters"/> member it reads and writes, and the range every
/// architecture shares (architecture-specific rules are the Models').
/// </summary>
public sealed record HyperparameterDefinition
{
    private readonly Func<Hyperparameters, ParameterValue?> get;
    private readonly Func<Hyperparameters, ParameterValue, Hyperparameters> set;
    private readonly Func<ParameterValue, string?> problem;

    internal HyperparameterDefinition(string name, ParameterKind kind, string description,
        Func<Hyperparameters, ParameterValue?> get,
        Func<Hyperparameters, ParameterValue, Hyperparameters> set,
        Func<ParameterValue, string?> problem)
    {
        Name = name;
        Kind = kind;
        Description = description;
        this.get = get;
        this.set = set;
        this.problem = problem;
    }

    /// <summary>As sweep files, the store and every JSON output spell it: snake_case ("batch_size", "lr").</summary>
    public string Name { get; }
    public ParameterKind Kind { get; }
    /// <summary>One line for the CLI's help.</summary>
    public string Description { get; }
    /// <summary>The only values allowed, for a text parameter with a fixed set (optimizer); empty otherwise.</summary>
    public IReadOnlyList<string> Choices { get; internal init; } = [];
    /// <summary>Older spellings still read (never written): JSON that `aegrid train` and the store wrote before the names were one.</summary>
    public IReadOnlyList<string> FormerNames { get; internal init; } = [];
    /// <summary>A shorter command-line word the tutorials use ("arch", "noise"), kept beside <see cref="DerivedOption"/>.</summary>
    public string? ShortOption { get; internal init; }
    /// <summary>The largest value an integer parameter takes (it decides whether the CLI reads it as an int or a long).</summary>
    public long? Maximum { get; internal init; }
    /// <summary>Whether a config must set it (architecture): the CLI requires it, JSON without it is refused.</summary>
    public bool Required { get; internal init; }

    /// <summary>The name as a command-line option: "--batch-size" for batch_size.</summary>
    public string DerivedOption => "--" + Name.Replace('_', '-');

    /// <summary>The option `aegrid train` shows and names in errors: the short word where there is one, else the derived name.</summary>
    public string CommandLineOption => ShortOption is { } shortWord ? "--" + shortWord : DerivedOption;

    /// <summary>How an error message names the expected type.</summary>
    public string ExpectedType => Kind switch
    {
        ParameterKind.Text => "text",
        ParameterKind.Integer => "an integer",
        ParameterKind.Real => "a number",
        ParameterKind.Flag => "true or false",
        ParameterKind.Sizes => "a list of layer sizes like [256, 128]",
        _ => throw new InvalidOperationException($"unhandled parameter kind {Kind}"),
    };

    /// <summary>The value set on <paramref name="parameters"/>, or null when it is left to the architecture's default.</summary>
    public ParameterValue? Get(Hyperparameters parameters) => get(parameters);

    /// <summary>A copy of <paramref name="parameters"/> with this parameter set to <paramref name="value"/> (of this kind).</summary>
    public Hyperparameters Set(Hyperparameters parameters, ParameterValue value) => set(parameters, value);

    /// <summary>Why <paramref name="value"/> is out of range ("must be at least 1, got 0"), or null when it is fine.</summary>
    public string? Problem(ParameterValue value) => problem(value);

    /// <summary>Whether <paramref name="key"/> is this parameter's name or one of its former names.</summary>
    public bool IsSpelled(string key) => key == Name || FormerNames.Contains(key);

    public override string ToString() => Name;
}
