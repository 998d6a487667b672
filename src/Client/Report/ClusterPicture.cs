using System.Globalization;
using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Client.Report;

/// <summary>One k-means cluster as a row of the picture: its id, size and the class most of its images have.</summary>
internal sealed record ClusterRow(int Cluster, int Size, int MajorityLabel, string MajorityName, double MajorityShare);

/// <summary>
/// The clustering tutorial's grid: one row per k-means cluster of the test codes, showing the first test images
/// assigned to it. Rows are ordered by each cluster's majority class, so a good clustering reads like the class list.
/// </summary>
internal static class ClusterPicture
{
    public const string FileName = "clusters.png";

    public static (Picture Picture, IReadOnlyList<ClusterRow> Rows) Create(ClusterAssignments clusters, ImageSet test,
        ClassNames names, GridLayout layout, int imagesPerRow)
    {
        if (clusters.Count != test.Count)
            throw new ArgumentException($"{clusters.Count} cluster assignments for {test.Count} test images", nameof(clusters));
        var rows = clusters.Clusters.Distinct()
            .Select(cluster => Describe(clusters, cluster, names))
            .OrderBy(row => row.MajorityLabel).ThenByDescending(row => row.Size).ThenBy(row => row.Cluster)
            .ToList();
        var tiles = rows.Select(row => (IReadOnlyList<ReadOnlyMemory<float>?>)Enumerable.Range(0, test.Count)
                .Where(i => clusters.Clusters[i] == row.Cluster)
                .Take(imagesPerRow)
                .Select(i => (ReadOnlyMemory<float>?)ImageGrid.Tile(test.Pixels, i, test.Rows))
                .ToList())
            .ToList();
        var image = ImageGrid.Compose(tiles, imagesPerRow, test.Rows, layout);
        var lines = rows.Select((row, index) =>
            $"row {index + 1}: cluster {row.Cluster}, {row.Size} images, {Percent(row.MajorityShare)} {row.MajorityName}");
        var caption = $"k-means (k={rows.Count}) on the codes of {test.Count} test images; each row shows up to " +
                      $"{imagesPerRow} images of one cluster, rows ordered by the cluster's majority class. " +
                      string.Join("; ", lines) + ".";
        return (new Picture(FileName, "clusters", "Clusters", caption, image), rows);
    }

    static ClusterRow Describe(ClusterAssignments clusters, int cluster, ClassNames names)
    {
        var labels = Enumerable.Range(0, clusters.Count).Where(i => clusters.Clusters[i] == cluster).Select(i => clusters.Labels[i]).ToList();
        var majority = labels.GroupBy(label => label).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First();
        return new ClusterRow(cluster, labels.Count, majority.Key, names[majority.Key], majority.Count() / (double)labels.Count);
    }

    static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
