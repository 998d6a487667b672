using AeGrid.Client.Cli;
using AeGrid.Client.Data;

namespace AeGrid.Client.Tests.Support;

/// <summary>What one `aegrid` invocation printed and returned.</summary>
internal sealed record CliOutcome(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The last stderr line: progress and notes come first, an error (if any) last.</summary>
    public string LastStderrLine => StderrLines.LastOrDefault() ?? "";

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the real `aegrid` command tree in-process, capturing stdout and stderr.</summary>
internal static class Aegrid
{
    public static Task<CliOutcome> RunAsync(params string[] args) => RunAsync(DatasetSources.Published, args);

    public static Task<CliOutcome> RunAsync(DatasetSources datasetSources, params string[] args) =>
        RunAsync(datasetSources, CancellationToken.None, args);

    /// <param name="cancel">Stands in for Ctrl+C.</param>
    public static async Task<CliOutcome> RunAsync(DatasetSources datasetSources, CancellationToken cancel, params string[] args)
    {
        // Synchronized: progress is written from the training thread while the test thread may read.
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await CliRunner.InvokeAsync(Program.BuildRootCommand(datasetSources), args,
            TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), cancel);
        return new(exitCode, stdout.ToString(), stderr.ToString());
    }
}
