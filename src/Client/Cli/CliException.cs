namespace AeGrid.Client.Cli;

/// <summary>
/// An expected failure the user can act on. Its message is printed as one line on stderr (no stack trace) and
/// the process exits with <see cref="ExitCode"/>.
/// </summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    public static CliException InvalidInput(string message, Exception? inner = null) => new(ExitCodes.InvalidInput, message, inner);

    public static CliException Failure(string message, Exception? inner = null) => new(ExitCodes.Failure, message, inner);
}
