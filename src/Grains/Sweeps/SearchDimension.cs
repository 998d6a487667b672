namespace AeGrid.Grains.Sweeps;

/// <summary>One hyperparameter that varies across a sweep's trials (a `space:` entry).</summary>
public abstract record SearchDimension(string Parameter);

/// <summary>A list (grid or random) or `{choice: [...]}`: one of these values.</summary>
public sealed record CategoricalDimension(string Parameter, ValueList<ParameterValue> Choices) : SearchDimension(Parameter);

/// <summary>`{uniform: [low, high]}` or, with <see cref="Log"/>, `{loguniform: [low, high]}` (uniform in log space). Random search only.</summary>
public sealed record FloatDimension(string Parameter, double Low, double High, bool Log) : SearchDimension(Parameter);

/// <summary>`{int: [low, high]}`: an integer from low to high, both included. Random search only.</summary>
public sealed record IntegerDimension(string Parameter, long Low, long High) : SearchDimension(Parameter);
