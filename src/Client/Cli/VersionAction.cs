using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace AeGrid.Client.Cli;

/// <summary>
/// `--version` prints this CLI's informational version (e.g. 0.1.0+commit). The built-in action reports the entry
/// assembly, which is the test host when the command tree runs inside tests.
/// </summary>
internal sealed class VersionAction(Assembly cli) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static void InstallOn(RootCommand root, Assembly cli) =>
        root.Options.OfType<VersionOption>().Single().Action = new VersionAction(cli);

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(VersionOf(cli));
        return ExitCodes.Success;
    }
}
