using AeGrid.Models.Clustering;

namespace AeGrid.Models.Tests.Clustering;

public sealed class KMeansTests
{
    [Fact]
    public void Separates_well_separated_blobs()
    {
        var (points, truth) = Blobs(perBlob: 30, centres: [(0, 0), (10, 0), (0, 10)], seed: 1);

        var result = KMeans.Fit(points, truth.Length, 2, clusters: 3, seed: 7);

        Assert.Equal(1.0, ClusteringScores.ClusterAccuracy(result.Assignments, truth));
        Assert.Equal(3, result.Assignments.Distinct().Count());
        // Each centroid lands near a blob centre.
        for (int c = 0; c < 3; c++)
        {
            double x = result.Centroids[2 * c], y = result.Centroids[2 * c + 1];
            Assert.Contains(new[] { (0.0, 0.0), (10.0, 0.0), (0.0, 10.0) }, centre => Math.Abs(centre.Item1 - x) < 1 && Math.Abs(centre.Item2 - y) < 1);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_clustering()
    {
        var (points, truth) = Blobs(perBlob: 40, centres: [(0, 0), (3, 0), (0, 3), (3, 3)], seed: 2);

        var first = KMeans.Fit(points, truth.Length, 2, clusters: 4, seed: 11);
        var second = KMeans.Fit(points, truth.Length, 2, clusters: 4, seed: 11);

        Assert.Equal(first.Assignments, second.Assignments);
        Assert.Equal(first.Inertia, second.Inertia);
    }

    [Fact]
    public void Inertia_is_the_sum_of_squared_distances_to_the_assigned_centroid()
    {
        float[] points = [0, 0, 0, 2, 10, 10];

        var result = KMeans.Fit(points, 3, 2, clusters: 2, seed: 3);

        Assert.Equal(result.Assignments[0], result.Assignments[1]);
        Assert.NotEqual(result.Assignments[0], result.Assignments[2]);
        Assert.Equal(2.0, result.Inertia, 6); // (0,0) and (0,2) around (0,1): 1 + 1
    }

    [Fact]
    public void More_clusters_than_distinct_points_still_fits_exactly()
    {
        // Two distinct points, three clusters: k-means++ finds no third location (all D² are zero) and the empty
        // cluster cannot keep a duplicate point (it is as near to the original centre); as in scikit-learn,
        // fewer distinct clusters come back, with zero inertia.
        float[] points = [1, 1, 1, 1, 1, 1, 5, 5];

        var result = KMeans.Fit(points, 4, 2, clusters: 3, seed: 4);

        Assert.Equal(0.0, result.Inertia);
        Assert.All(result.Assignments, cluster => Assert.InRange(cluster, 0, 2));
        Assert.Equal(result.Assignments[0], result.Assignments[1]);
        Assert.NotEqual(result.Assignments[0], result.Assignments[3]);
    }

    [Fact]
    public void Finds_three_separated_blobs_from_every_seed()
    {
        var (points, truth) = Blobs(perBlob: 5, centres: [(0, 0), (0, 100), (100, 0)], seed: 3);

        for (ulong seed = 0; seed < 20; seed++)
            Assert.Equal(1.0, ClusteringScores.ClusterAccuracy(KMeans.Fit(points, truth.Length, 2, 3, seed, restarts: 1).Assignments, truth));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => KMeans.Fit([1, 2, 3], 2, 2, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KMeans.Fit([1, 2], 2, 1, 3, 0));
    }

    static (float[] Points, int[] Truth) Blobs(int perBlob, (double X, double Y)[] centres, int seed)
    {
        var random = new Random(seed);
        var points = new List<float>();
        var truth = new List<int>();
        for (int c = 0; c < centres.Length; c++)
            for (int i = 0; i < perBlob; i++)
            {
                points.Add((float)(centres[c].X + (random.NextDouble() - 0.5)));
                points.Add((float)(centres[c].Y + (random.NextDouble() - 0.5)));
                truth.Add(c);
            }
        return (points.ToArray(), truth.ToArray());
    }
}
