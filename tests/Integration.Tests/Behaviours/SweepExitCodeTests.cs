using System.Text.Json;
using AeGrid.Integration.Tests.Support;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// How `aegrid run` and `aegrid sweep watch` end, through the real command tree on a local SQLite store: 4 when no trial
/// completed (here: a dataset directory whose files are not IDX, so the only trial fails on the silo), 3 when every
/// trial diverged, 0 otherwise; and a sweep whose name looks like a JSON file runs like any other.
/// </summary>
[Collection(LocalSiloCollection.Name)]
public sealed class SweepExitCodeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_sweep_whose_only_trial_fails_ends_run_and_watch_with_exit_code_4()
    {
        using var folder = new TemporaryFolder();
        var data = Directory.CreateDirectory(Path.Combine(folder.Path, "broken-data")).FullName;
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.WriteAllText(Path.Combine(data, name), "these bytes are not an IDX file");
        var store = LocalSilo.NewSqliteStore(folder);
        var spec = SweepFiles.Write(folder.Path, "doomed", $"""
            name: doomed
            dataset: {data}
            architecture: linear
            epochs: 1
            max_attempts: 1
            """);

        var run = await AegridCli.RunAsync("run", spec, "--json", "--store", store, "--threads", "1");
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 4, run.ToString());
        using var result = JsonDocument.Parse(run.StdoutLines[^1]);
        Assert.Equal(1, result.RootElement.GetProperty("counts").GetProperty("failed").GetInt32());
        var id = result.RootElement.GetProperty("id").GetString()!;

        var watch = await AegridCli.RunAsync("sweep", "watch", id, "--store", store);
        output.WriteLine(watch.ToString());
        Assert.True(watch.ExitCode == 4, watch.ToString());
    }

    [Fact]
    public async Task A_sweep_whose_every_trial_diverged_ends_with_3_and_one_named_like_a_json_file_completes_with_0()
    {
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        // cluster-mlp's linear output with plain SGD and an absurd step overflows within a batch or two.
        var diverging = SweepFiles.Write(folder.Path, "blowup", SweepFiles.Tiny("blowup", """
            architecture: cluster-mlp
            optimizer: sgd
            lr: 1.0e30
            epochs: 1
            """));
        var run = await AegridCli.RunAsync("run", diverging, "--store", store, "--threads", "1");
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 3, run.ToString());

        // The stored text is parsed again under the sweep's name; a name ending in .json once made that fail as JSON.
        var jsonNamed = SweepFiles.Write(folder.Path, "named", SweepFiles.Tiny("named.json", "architecture: linear\nepochs: 1"));
        var done = await AegridCli.RunAsync("run", jsonNamed, "--json", "--store", store, "--threads", "1");
        output.WriteLine(done.ToString());
        Assert.True(done.ExitCode == 0, done.ToString());
        using var result = JsonDocument.Parse(done.StdoutLines[^1]);
        Assert.StartsWith("named.json-", result.RootElement.GetProperty("id").GetString());
        Assert.Equal(1, result.RootElement.GetProperty("counts").GetProperty("completed").GetInt32());
    }
}
