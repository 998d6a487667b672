using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace AeGrid.Client.Cli;

/// <summary>
/// The standard --help output followed by an "Examples:" section for commands that have one.
/// (System.CommandLine 3 keeps its HelpBuilder internal, so we decorate the help action instead.)
/// </summary>
internal sealed class HelpWithExamplesAction(HelpAction standardHelp) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    /// <summary>Installs this action on the root's recursive --help option.</summary>
    public static void InstallOn(RootCommand root)
    {
        var helpOption = root.Options.OfType<HelpOption>().Single();
        if (helpOption.Action is HelpAction standard)
        {
            helpOption.Action = new HelpWithExamplesAction(standard);
        }
    }

    public override int Invoke(ParseResult parseResult)
    {
        var exitCode = standardHelp.Invoke(parseResult);
        if (parseResult.CommandResult.Command is ICommandWithExamples { Examples.Count: > 0 } command)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var example in command.Examples)
            {
                output.WriteLine($"  {example}");
            }
            output.WriteLine();
        }
        return exitCode;
    }
}
