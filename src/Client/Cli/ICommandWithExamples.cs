namespace AeGrid.Client.Cli;

/// <summary>A command whose --help ends with example command lines.</summary>
internal interface ICommandWithExamples
{
    /// <summary>Each entry is one command line, optionally followed by "  # what it does".</summary>
    IReadOnlyList<string> Examples { get; }
}
