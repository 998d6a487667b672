using AeGrid.Client;
using AeGrid.Client.Cli;
using AeGrid.Client.Data;

namespace AeGrid.Integration.Tests.Support;

/// <summary>What one in-process `aegrid` invocation printed and returned.</summary>
public sealed record CliOutcome(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Lines(Stdout);
    public string[] StderrLines => Lines(Stderr);

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the real `aegrid` command tree in this process (what Program.Main runs), capturing stdout and stderr. Local-mode
/// commands host their silo in this process too, on the store the test names with --store.
/// </summary>
public static class AegridCli
{
    public static async Task<CliOutcome> RunAsync(params string[] args)
    {
        // Synchronized: progress may be written from other threads while the command runs.
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await CliRunner.InvokeAsync(Program.BuildRootCommand(DatasetSources.Published), args,
            TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr));
        return new(exitCode, stdout.ToString(), stderr.ToString());
    }
}
