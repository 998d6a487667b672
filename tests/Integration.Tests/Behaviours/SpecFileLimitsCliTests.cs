using AeGrid.Integration.Tests.Support;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// The CLI side of the sweep-file bounds: `aegrid run` refuses a file too large (before reading it) or nested too deep
/// (before YAML reads it; 200,000 brackets once ended the process with a stack overflow) with one line and exit 2.
/// </summary>
[Collection(LocalSiloCollection.Name)]
public sealed class SpecFileLimitsCliTests
{
    [Fact]
    public async Task Run_refuses_a_huge_or_deeply_nested_file_in_one_line_with_exit_code_2()
    {
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        var big = Path.Combine(folder.Path, "big.yaml");
        await File.WriteAllTextAsync(big, "name: big\narchitecture: linear\n# " + new string('x', 2 << 20) + "\n");
        var deep = Path.Combine(folder.Path, "deep.yaml");
        await File.WriteAllTextAsync(deep, "name: deep\narchitecture: linear\nspace: " + new string('[', 200_000) + "\n");

        var tooBig = await AegridCli.RunAsync("run", big, "--store", store);
        Assert.True(tooBig.ExitCode == 2, tooBig.ToString());
        var line = Assert.Single(tooBig.StderrLines);
        Assert.Equal($"error: {big}: the file is {new FileInfo(big).Length:N0} bytes; a sweep file may be at most 1,048,576 bytes (1 MiB)", line);

        var tooDeep = await AegridCli.RunAsync("run", deep, "--store", store);
        Assert.True(tooDeep.ExitCode == 2, tooDeep.ToString());
        Assert.Equal("error: deep.yaml:3:39: nested more than 32 levels deep, the most a sweep file may nest", Assert.Single(tooDeep.StderrLines));
    }
}
