using AeGrid.Models.Training;
using Spectre.Console;

namespace AeGrid.Client.Output;

/// <summary>One row per finished epoch; metrics that no epoch has (e.g. NMI for a non-clustering model) get no column.</summary>
internal static class EpochMetricsTable
{
    private sealed record Column(string Header, Func<EpochMetrics, double?> Value, Func<double?, string> Format);

    private static readonly Column[] OptionalColumns =
    [
        new("Test PSNR", m => m.TestPsnr, Formats.Metric),
        new("Noisy-input MSE", m => m.NoisyInputMse, Formats.Metric),
        new("Noisy-input PSNR", m => m.NoisyInputPsnr, Formats.Metric),
        new("NMI", m => m.Nmi, Formats.Metric),
        new("Cluster acc.", m => m.ClusterAccuracy, Formats.Metric),
        new("Baseline NMI", m => m.BaselineNmi, Formats.Metric),
        new("Baseline acc.", m => m.BaselineClusterAccuracy, Formats.Metric),
    ];

    public static Table Build(IReadOnlyList<EpochMetrics> epochs)
    {
        var columns = new List<Column>
        {
            new("Epoch", m => m.Epoch, v => Formats.Value((int)v!.Value)),
            new("Train MSE", m => m.TrainMse, Formats.Metric),
            new("Test MSE", m => m.TestMse, Formats.Metric),
        };
        columns.AddRange(OptionalColumns.Where(c => epochs.Any(e => c.Value(e) is not null)));
        columns.Add(new("Samples/s", m => m.SamplesPerSecond, v => Formats.Rate(v!.Value)));
        columns.Add(new("Wall", m => m.WallSeconds, v => Formats.Seconds(v!.Value)));

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column.Header)).RightAligned());
        }
        foreach (var epoch in epochs)
        {
            table.AddRow(columns.Select(c => Markup.Escape(c.Format(c.Value(epoch)))).ToArray());
        }
        return table;
    }
}
