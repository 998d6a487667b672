using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using AeGrid.Client.Output;

namespace AeGrid.Client.Cli;

/// <summary>Parses and runs one `aegrid` command line; Program.Main and the tests both go through here.</summary>
internal static partial class CliRunner
{
    public const string ProgramName = "aegrid";

    /// <summary>How long a command may take to stop cleanly after Ctrl+C before the process exits anyway.</summary>
    private static readonly TimeSpan CtrlCGracePeriod = TimeSpan.FromSeconds(15);

    public static Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, TextWriter output, TextWriter error,
        CancellationToken cancel = default)
    {
        // No arguments at all: show what there is rather than complaining that no command was given.
        var parseResult = root.Parse(args.Count == 0 ? ["--help"] : args);
        if (parseResult.Action is ParseErrorAction)
        {
            ErrorReport.Write(error, DescribeParseErrors(parseResult));
            return Task.FromResult(ExitCodes.InvalidInput);
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            ProcessTerminationTimeout = parseResult.CommandResult.Command is IStopsAfterSignal slow
                ? slow.StopTimeout(parseResult) : CtrlCGracePeriod,
            // CommandAction reports errors itself; this only matters for help/version, which do not throw.
            EnableDefaultExceptionHandler = false,
        };
        return parseResult.InvokeAsync(configuration, cancel);
    }

    /// <summary>All parse errors on one line, then where to find the usage of the command that was meant.</summary>
    private static string DescribeParseErrors(ParseResult parseResult)
    {
        var errors = parseResult.Errors
            .Select(e => Whitespace().Replace(e.Message, " ").Trim())
            .Distinct();
        return $"{string.Join("; ", errors)} (see '{CommandPath(parseResult.CommandResult)} --help')";
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? at = command; at is CommandResult { Command: not RootCommand } c; at = c.Parent)
        {
            names.Insert(0, c.Command.Name);
        }
        names.Insert(0, ProgramName);
        return string.Join(' ', names);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
