using System.CommandLine;
using AeGrid.Client.Cli;
using AeGrid.Client.Commands;
using AeGrid.Client.Data;

namespace AeGrid.Client;

/// <summary>The `aegrid` entry point: composes the commands; each lives in its own file under Commands/.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) =>
        CliRunner.InvokeAsync(BuildRootCommand(DatasetSources.Published), args, Console.Out, Console.Error);

    /// <param name="datasetSources">What `data fetch` can download; tests pass fixtures served from loopback.</param>
    internal static RootCommand BuildRootCommand(DatasetSources datasetSources)
    {
        var root = new RootCommand("AeGrid: train autoencoders on MNIST / Fashion-MNIST, one trial or a sweep of them.")
        {
            new TrainCommand(),
            new DataCommand(datasetSources),
            new RunCommand(),
            new SweepCommand(),
            new TrialCommand(),
            new BestCommand(),
            new ExportCommand(),
            new ReportCommand(),
            new SiloCommand(),
        };
        HelpWithExamplesAction.InstallOn(root);
        VersionAction.InstallOn(root, typeof(Program).Assembly);
        return root;
    }
}
