using AeGrid.Models.Clustering;

namespace AeGrid.Models.Tests.Clustering;

public sealed class ClusteringScoresTests
{
    [Fact]
    public void A_relabelled_perfect_clustering_scores_one()
    {
        int[] labels = [0, 0, 1, 1, 2, 2];
        int[] clusters = [5, 5, 3, 3, 9, 9];

        Assert.Equal(1.0, ClusteringScores.NormalizedMutualInformation(clusters, labels), 12);
        Assert.Equal(1.0, ClusteringScores.ClusterAccuracy(clusters, labels));
    }

    [Fact]
    public void Nmi_is_mutual_information_over_the_mean_entropy()
    {
        // Labels [0,0,0,1,1,1], clusters [0,0,1,1,2,2]: MI = (2/3)·ln 2 ≈ 0.46210, H(labels) = ln 2, H(clusters) = ln 3,
        // so NMI = MI / ((ln 2 + ln 3) / 2) = 0.5158037429793888 (the value scikit-learn's default normalisation gives).
        Assert.Equal(0.5158037429793888, ClusteringScores.NormalizedMutualInformation([0, 0, 1, 1, 2, 2], [0, 0, 0, 1, 1, 1]), 12);
    }

    [Fact]
    public void Independent_clustering_has_zero_nmi()
    {
        Assert.Equal(0.0, ClusteringScores.NormalizedMutualInformation([0, 1, 0, 1], [0, 0, 1, 1]), 12);
    }

    [Fact]
    public void Accuracy_uses_the_best_one_to_one_mapping()
    {
        // Cluster 0 is mostly label 1, cluster 1 mostly label 0; a greedy "majority label" could map both to one label.
        int[] clusters = [0, 0, 0, 1, 1, 1, 2, 2];
        int[] labels = [1, 1, 0, 0, 0, 1, 1, 2];

        // Best: 0→1 (2), 1→0 (2), 2→2 (1) = 5 of 8.
        Assert.Equal(5.0 / 8, ClusteringScores.ClusterAccuracy(clusters, labels));
    }

    [Fact]
    public void Extra_clusters_without_a_label_count_as_wrong()
    {
        // Four clusters, two labels: only two clusters can be matched, one point each.
        Assert.Equal(0.5, ClusteringScores.ClusterAccuracy([0, 1, 2, 3], [0, 0, 1, 1]));
    }

    [Fact]
    public void Mismatched_lengths_are_refused() =>
        Assert.Throws<ArgumentException>(() => ClusteringScores.ClusterAccuracy([0, 1], [0]));
}
