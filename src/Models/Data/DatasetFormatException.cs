namespace AeGrid.Models.Data;

/// <summary>An IDX file that is missing, unreadable or not what its name promises. The message starts with the file's path.</summary>
public sealed class DatasetFormatException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}

/// <summary>A dataset name or directory that could not be resolved to a directory of IDX files.</summary>
public sealed class DatasetNotFoundException(string nameOrPath, string message) : Exception(message)
{
    public string NameOrPath { get; } = nameOrPath;
}
