using AeGrid.Client.Output;
using AeGrid.Client.Tests.Support;

namespace AeGrid.Client.Tests.Output;

public sealed class EpochMetricsTableTests
{
    [Fact]
    public void Columns_appear_only_for_metrics_some_epoch_has()
    {
        var text = Render([SampleRuns.Epoch(1, 0.04), SampleRuns.Epoch(2, 0.02)]);

        Assert.Contains("Test PSNR", text);
        Assert.Contains("Noisy-input MSE", text);
        Assert.DoesNotContain("NMI", text);
        Assert.DoesNotContain("Cluster acc.", text);
    }

    [Fact]
    public void Each_epoch_is_a_row_with_its_numbers()
    {
        var text = Render([SampleRuns.Epoch(1, 0.04, nmi: 0.51234), SampleRuns.Epoch(2, 0.02, nmi: 0.6)]);

        Assert.Contains("NMI", text);
        Assert.Contains("0.51234", text);
        Assert.Contains("0.04", text);
        Assert.Contains("2,000", text); // samples/s of epoch 2
        Assert.Contains("1.5 s", text);
    }

    private static string Render(IReadOnlyList<AeGrid.Models.Training.EpochMetrics> epochs)
    {
        var writer = new StringWriter();
        ConsoleFactory.For(writer).Write(EpochMetricsTable.Build(epochs));
        return writer.ToString();
    }
}
