using System.Reflection;
using AeGrid.Client.Cli;
using AeGrid.Client.Tests.Support;

namespace AeGrid.Client.Tests.Cli;

public sealed class CliRunnerTests
{
    [Fact]
    public async Task Version_prints_the_informational_version()
    {
        var expected = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        var run = await Aegrid.RunAsync("--version");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(expected, run.Stdout.Trim());
        Assert.StartsWith("0.1.0", expected);
    }

    [Fact]
    public async Task No_arguments_shows_the_commands()
    {
        var run = await Aegrid.RunAsync();

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("train", run.Stdout);
        Assert.Contains("data", run.Stdout);
        Assert.Empty(run.Stderr);
    }

    [Theory]
    [InlineData("train", "aegrid train --arch")]
    [InlineData("data", "aegrid data fetch")]
    [InlineData("data fetch", "aegrid data fetch mnist --mirror")]
    public async Task Each_command_help_ends_with_examples(string command, string exampleStart)
    {
        var run = await Aegrid.RunAsync([.. command.Split(' '), "--help"]);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var examples = run.Stdout[run.Stdout.IndexOf("Examples:", StringComparison.Ordinal)..];
        Assert.Contains(exampleStart, examples);
        Assert.Contains("Usage:", run.Stdout);
    }

    [Theory]
    [InlineData("train --arch linear --epochs ten", "error: --epochs: 'ten' is not a whole number (see 'aegrid train --help')")]
    [InlineData("train --arch linear --lr fast", "error: --lr: 'fast' is not a number (see 'aegrid train --help')")]
    [InlineData("train --arch linear --optimizer rmsprop", "error: --optimizer: 'rmsprop' is not one of adam, sgd (see 'aegrid train --help')")]
    [InlineData("train --arch linear --device tpu", "error: --device: 'tpu' is not one of auto, cpu, cuda (see 'aegrid train --help')")]
    [InlineData("train --arch linear --hidden-sizes 256,x", "error: --hidden-sizes: '256,x' is not a comma-separated list of whole numbers (e.g. 256,128) (see 'aegrid train --help')")]
    [InlineData("train --epochs 3", "error: Option '--arch' is required. (see 'aegrid train --help')")]
    [InlineData("data fetch", "error: Required argument 'mnist|fashion-mnist' missing for command: 'fetch'. (see 'aegrid data fetch --help')")]
    public async Task Usage_errors_are_one_line_on_stderr_with_exit_code_2(string commandLine, string expected)
    {
        var run = await Aegrid.RunAsync(commandLine.Split(' '));

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal([expected], run.StderrLines);
    }

    [Fact]
    public async Task An_unknown_command_is_named_in_the_error()
    {
        var run = await Aegrid.RunAsync("trian", "--arch", "linear");

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("'trian'", line);
        Assert.EndsWith("(see 'aegrid --help')", line);
    }
}

public sealed class SiloStopTimeoutTests
{
    /// <summary>
    /// After SIGTERM the CLI framework ends the process once its termination timeout passes (it used to be 15 s for every
    /// command, exit 143). A silo's drain may take its whole grace plus the host's 5 s margin, so its process must outlive
    /// that, or the trials' hand-off checkpoints are cut off mid-write.
    /// </summary>
    [Theory]
    [InlineData(new string[0], 30)]
    [InlineData(new[] { "--shutdown-grace", "90" }, 90)]
    public void A_silos_process_outlives_its_graceful_stop(string[] extra, double grace)
    {
        var root = Program.BuildRootCommand(AeGrid.Client.Data.DatasetSources.Published);
        var parse = root.Parse(["silo", "--store", "postgres://x@localhost/db", .. extra]);

        var silo = Assert.IsAssignableFrom<IStopsAfterSignal>(parse.CommandResult.Command);

        Assert.True(silo.StopTimeout(parse) > TimeSpan.FromSeconds(grace + 5), $"{silo.StopTimeout(parse)} for a {grace} s grace");
    }
}
