namespace AeGrid.Catalog;

/// <summary>A hyperparameter value that cannot be trained; <see cref="Parameter"/> is its catalog name (sweep files, JSON).</summary>
public sealed class InvalidHyperparameterException(string parameter, string message)
    : ArgumentException($"{parameter}: {message}")
{
    public string Parameter { get; } = parameter;
}
