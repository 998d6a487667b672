namespace AeGrid.Grains.Sweeps;

/// <summary>One hyperparameter that varies across a sweep's trials (a `space:` entry).</summary>
public abstract record SearchDimension(string Parameter);

/// <summary>A list (grid or random) or `{choice: [...]}`: one of these values.</summary>
public sealed record CategoricalDimension(string Parameter, ValueList<ParameterValue> Choices) : SearchDimension(Parameter);

/// <summary>`{uniform: [low, high]}` or, with <see cref="Log"/>, `{loguniform: [low, high]}` (uniform in log space). Random and TPE search only.</summary>
public sealed record FloatDimension(string Parameter, double Low, double High, bool Log) : SearchDimension(Parameter);

/// <summary>`{int: [low, high]}`: an integer from low to high, both included. Random and TPE search only.</summary>
public sealed record IntegerDimension(string Parameter, long Low, long High) : SearchDimension(Parameter);

/// <summary>
/// `architecture:` as a mapping from architecture name to its own sub-space: a trial picks one architecture, then draws
/// only that architecture's dimensions (a conditional space). An empty sub-space (`{}`) varies nothing else.
/// </summary>
public sealed record ConditionalDimension(string Parameter, ValueList<ArchitectureBranch> Branches) : SearchDimension(Parameter);

/// <summary>One architecture of a <see cref="ConditionalDimension"/> and the dimensions only it has, in file order.</summary>
public sealed record ArchitectureBranch(string Architecture, ValueList<SearchDimension> Space);
