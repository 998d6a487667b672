using AeGrid.Client.Cli;
using AeGrid.Client.Tests.Support;

namespace AeGrid.Client.Tests.Commands;

/// <summary>Without a terminal (logs, CI) `aegrid run` prints a line per change, with the best value so far and the epochs.</summary>
public sealed class SweepProgressLineTests : IDisposable
{
    readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Each_progress_line_carries_the_best_value_so_far_and_the_epochs_done_of_all()
    {
        var spec = _temp.Combine("lines.yaml");
        File.WriteAllText(spec, $"""
            name: lines
            architecture: linear
            dataset: {Fixtures.FashionMnist300}
            batch_size: 50
            epochs: 2
            search: grid
            space:
              lr: [0.01, 0.005]
            """);

        var run = await Aegrid.RunAsync("run", spec, "--store", _temp.Combine("store.db"), "--threads", "1");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var last = run.StderrLines.Last(l => l.Contains(" of 2", StringComparison.Ordinal));
        Assert.Matches(@"2 completed of 2 \(best test_mse [0-9.]+ · 4/4 epochs\)$", last);
    }
}
