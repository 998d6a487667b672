namespace AeGrid.Models.Clustering;

/// <summary>How well a clustering matches the true labels.</summary>
public static class ClusteringScores
{
    /// <summary>
    /// Normalised mutual information with the arithmetic mean of the two entropies as the normaliser
    /// (scikit-learn's default): MI(U,V) / ((H(U) + H(V)) / 2). 1 when both are a single group.
    /// </summary>
    public static double NormalizedMutualInformation(IReadOnlyList<int> clusters, IReadOnlyList<int> labels)
    {
        var (table, clusterIds, labelIds) = Contingency(clusters, labels);
        double n = clusters.Count;
        var clusterTotals = new double[clusterIds];
        var labelTotals = new double[labelIds];
        for (int c = 0; c < clusterIds; c++)
            for (int l = 0; l < labelIds; l++) { clusterTotals[c] += table[c, l]; labelTotals[l] += table[c, l]; }
        double mutual = 0;
        for (int c = 0; c < clusterIds; c++)
            for (int l = 0; l < labelIds; l++)
                if (table[c, l] > 0)
                    mutual += table[c, l] / n * Math.Log(n * table[c, l] / (clusterTotals[c] * labelTotals[l]));
        double clusterEntropy = Entropy(clusterTotals, n), labelEntropy = Entropy(labelTotals, n);
        if (clusterEntropy == 0 && labelEntropy == 0) return 1;
        return Math.Clamp(mutual / ((clusterEntropy + labelEntropy) / 2), 0, 1);
    }

    /// <summary>
    /// The fraction of points whose cluster maps to their label under the best one-to-one mapping of clusters to
    /// labels (found with the Hungarian algorithm); clusters left without a label count as wrong.
    /// </summary>
    public static double ClusterAccuracy(IReadOnlyList<int> clusters, IReadOnlyList<int> labels)
    {
        var (table, clusterIds, labelIds) = Contingency(clusters, labels);
        int size = Math.Max(clusterIds, labelIds);
        var cost = new double[size, size];
        for (int c = 0; c < clusterIds; c++)
            for (int l = 0; l < labelIds; l++) cost[c, l] = -table[c, l];
        var mapping = HungarianAlgorithm.MinimumCostAssignment(cost);
        double matched = 0;
        for (int c = 0; c < clusterIds; c++)
            if (mapping[c] < labelIds) matched += table[c, mapping[c]];
        return matched / clusters.Count;
    }

    // Counts per (cluster, label), both re-indexed densely in order of first appearance.
    static (double[,] Table, int Clusters, int Labels) Contingency(IReadOnlyList<int> clusters, IReadOnlyList<int> labels)
    {
        if (clusters.Count != labels.Count)
            throw new ArgumentException($"{clusters.Count} cluster assignments but {labels.Count} labels");
        if (clusters.Count == 0) throw new ArgumentException("nothing to score: no points");
        var clusterIndex = new Dictionary<int, int>();
        var labelIndex = new Dictionary<int, int>();
        foreach (var c in clusters) clusterIndex.TryAdd(c, clusterIndex.Count);
        foreach (var l in labels) labelIndex.TryAdd(l, labelIndex.Count);
        var table = new double[clusterIndex.Count, labelIndex.Count];
        for (int i = 0; i < clusters.Count; i++) table[clusterIndex[clusters[i]], labelIndex[labels[i]]]++;
        return (table, clusterIndex.Count, labelIndex.Count);
    }

    static double Entropy(double[] totals, double n)
    {
        double entropy = 0;
        foreach (var total in totals)
            if (total > 0) entropy -= total / n * Math.Log(total / n);
        return entropy;
    }
}
