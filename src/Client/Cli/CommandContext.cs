using System.CommandLine;
using AeGrid.Client.Output;
using Spectre.Console;

namespace AeGrid.Client.Cli;

/// <summary>
/// What a running command needs besides its parsed options: where results go (stdout), where progress and
/// errors go (stderr), and the Ctrl+C token. Writers come from the invocation so tests can capture them.
/// </summary>
internal sealed class CommandContext(ParseResult parseResult, CancellationToken cancel)
{
    private IAnsiConsole? _outConsole;
    private IAnsiConsole? _errorConsole;

    public ParseResult ParseResult { get; } = parseResult;

    /// <summary>Fires on Ctrl+C / SIGTERM.</summary>
    public CancellationToken Cancel { get; } = cancel;

    /// <summary>Results only: tables, summaries, the one JSON object of --json.</summary>
    public TextWriter Out => ParseResult.InvocationConfiguration.Output;

    /// <summary>Progress, notes and errors.</summary>
    public TextWriter Error => ParseResult.InvocationConfiguration.Error;

    public IAnsiConsole OutConsole => _outConsole ??= ConsoleFactory.For(Out);

    public IAnsiConsole ErrorConsole => _errorConsole ??= ConsoleFactory.For(Error);
}
