using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Models.Clustering;

/// <summary>k-means on a set of vectors, scored against the true labels.</summary>
public sealed record ClusteringQuality(int[] Assignments, double Nmi, double Accuracy);

/// <summary>
/// The cluster-mlp evaluation: k-means (k-means++, seeded, k = the number of distinct labels, 10 for MNIST) on
/// test codes, scored by NMI and Hungarian-matched accuracy; and the same on raw test pixels as the baseline.
/// </summary>
public static class CodeClustering
{
    public const int Restarts = 4;

    // The baseline depends only on the test images and the seed, so it is computed once per process.
    static readonly ConditionalWeakTable<ImageSet, ConcurrentDictionary<long, Lazy<ClusteringQuality>>> Baselines = new();

    public static ClusteringQuality Score(float[] vectors, int count, int dimensions, byte[] labels, long seed)
    {
        int clusters = labels.Distinct().Count();
        var fit = KMeans.Fit(vectors, count, dimensions, clusters, Seeds.KMeans(seed), Restarts);
        var truth = labels.Select(label => (int)label).ToArray();
        return new ClusteringQuality(fit.Assignments,
            ClusteringScores.NormalizedMutualInformation(fit.Assignments, truth),
            ClusteringScores.ClusterAccuracy(fit.Assignments, truth));
    }

    /// <summary>k-means straight on the test pixels: what the codes have to beat.</summary>
    public static ClusteringQuality RawPixelBaseline(ImageSet test, long seed)
    {
        var perSeed = Baselines.GetValue(test, _ => new ConcurrentDictionary<long, Lazy<ClusteringQuality>>());
        return perSeed.GetOrAdd(seed, s => new Lazy<ClusteringQuality>(
            () => Score(test.Pixels, test.Count, test.PixelsPerImage, test.Labels, s))).Value;
    }
}
