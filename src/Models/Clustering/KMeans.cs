using System.Numerics;
using AeGrid.Models.Training;

namespace AeGrid.Models.Clustering;

/// <summary>The best of a k-means fit's restarts.</summary>
public sealed record KMeansResult(int[] Assignments, float[] Centroids, int Clusters, int Dimensions, double Inertia, int Iterations);

/// <summary>
/// Lloyd's k-means with k-means++ seeding, on row-major float points. Deterministic for a given seed
/// (single-threaded; the random draws come from SplitMix64). Like scikit-learn it keeps the restart with the
/// lowest inertia and stops when the centres move less than tolerance × the data's mean per-feature variance.
/// </summary>
public static class KMeans
{
    public static KMeansResult Fit(float[] points, int count, int dimensions, int clusters, ulong seed,
        int restarts = 4, int maxIterations = 300, double tolerance = 1e-4)
    {
        if (points.Length != (long)count * dimensions)
            throw new ArgumentException($"expected {count}×{dimensions} = {(long)count * dimensions} values, got {points.Length}", nameof(points));
        if (clusters < 1 || clusters > count)
            throw new ArgumentOutOfRangeException(nameof(clusters), clusters, $"need 1 ≤ clusters ≤ points ({count})");
        if (restarts < 1) throw new ArgumentOutOfRangeException(nameof(restarts), restarts, "need at least one restart");

        double shiftLimit = tolerance * MeanFeatureVariance(points, count, dimensions);
        var random = new SplitMix64(seed);
        KMeansResult? best = null;
        for (int restart = 0; restart < restarts; restart++)
        {
            var result = Lloyd(points, count, dimensions, clusters, SeedCentroids(points, count, dimensions, clusters, ref random),
                maxIterations, shiftLimit);
            if (best is null || result.Inertia < best.Inertia) best = result;
        }
        return best!;
    }

    static KMeansResult Lloyd(float[] points, int count, int dimensions, int clusters, float[] centroids, int maxIterations, double shiftLimit)
    {
        var assignments = new int[count];
        var distances = new float[count];
        var sums = new double[clusters * dimensions];
        var sizes = new int[clusters];
        int iteration = 0;
        for (; iteration < maxIterations; iteration++)
        {
            bool changed = Assign(points, count, dimensions, centroids, clusters, assignments, distances) || iteration == 0;
            Array.Clear(sums);
            Array.Clear(sizes);
            for (int i = 0; i < count; i++)
            {
                int c = assignments[i];
                sizes[c]++;
                var point = points.AsSpan(i * dimensions, dimensions);
                var sum = sums.AsSpan(c * dimensions, dimensions);
                for (int d = 0; d < dimensions; d++) sum[d] += point[d];
            }
            RefillEmptyClusters(points, dimensions, assignments, distances, sums, sizes);
            double shift = 0;
            for (int c = 0; c < clusters; c++)
                for (int d = 0; d < dimensions; d++)
                {
                    float updated = (float)(sums[c * dimensions + d] / sizes[c]);
                    double delta = updated - centroids[c * dimensions + d];
                    shift += delta * delta;
                    centroids[c * dimensions + d] = updated;
                }
            if (!changed || shift <= shiftLimit) { iteration++; break; }
        }
        Assign(points, count, dimensions, centroids, clusters, assignments, distances);
        double inertia = 0;
        foreach (var distance in distances) inertia += distance;
        return new KMeansResult(assignments, centroids, clusters, dimensions, inertia, iteration);
    }

    // Nearest centroid for every point; returns whether any assignment changed.
    static bool Assign(float[] points, int count, int dimensions, float[] centroids, int clusters, int[] assignments, float[] distances)
    {
        bool changed = false;
        for (int i = 0; i < count; i++)
        {
            var point = points.AsSpan(i * dimensions, dimensions);
            int nearest = 0;
            float nearestDistance = float.PositiveInfinity;
            for (int c = 0; c < clusters; c++)
            {
                float distance = SquaredDistance(point, centroids.AsSpan(c * dimensions, dimensions));
                if (distance < nearestDistance) { nearestDistance = distance; nearest = c; }
            }
            if (assignments[i] != nearest) changed = true;
            assignments[i] = nearest;
            distances[i] = nearestDistance;
        }
        return changed;
    }

    // An empty cluster takes the point farthest from its centre (scikit-learn does the same), so k clusters survive.
    static void RefillEmptyClusters(float[] points, int dimensions, int[] assignments, float[] distances, double[] sums, int[] sizes)
    {
        for (int empty = 0; empty < sizes.Length; empty++)
        {
            if (sizes[empty] > 0) continue;
            int farthest = -1;
            for (int i = 0; i < assignments.Length; i++)
                if (sizes[assignments[i]] > 1 && (farthest < 0 || distances[i] > distances[farthest])) farthest = i;
            if (farthest < 0) continue;
            int from = assignments[farthest];
            var point = points.AsSpan(farthest * dimensions, dimensions);
            for (int d = 0; d < dimensions; d++)
            {
                sums[from * dimensions + d] -= point[d];
                sums[empty * dimensions + d] = point[d];
            }
            sizes[from]--;
            sizes[empty] = 1;
            assignments[farthest] = empty;
            distances[farthest] = 0;
        }
    }

    // k-means++: the first centre uniformly, each further one with probability proportional to D², the squared
    // distance to the nearest centre chosen so far.
    static float[] SeedCentroids(float[] points, int count, int dimensions, int clusters, ref SplitMix64 random)
    {
        var centroids = new float[clusters * dimensions];
        var nearest = new double[count];
        int first = random.NextInt(count);
        points.AsSpan(first * dimensions, dimensions).CopyTo(centroids);
        double total = 0;
        for (int i = 0; i < count; i++)
            total += nearest[i] = SquaredDistance(points.AsSpan(i * dimensions, dimensions), centroids.AsSpan(0, dimensions));
        for (int c = 1; c < clusters; c++)
        {
            int chosen = count - 1;
            if (total > 0)
            {
                double target = random.NextDouble() * total, running = 0;
                for (int i = 0; i < count; i++)
                {
                    running += nearest[i];
                    if (running > target) { chosen = i; break; }
                }
            }
            else chosen = random.NextInt(count); // all points coincide with the centres already chosen
            var centre = centroids.AsSpan(c * dimensions, dimensions);
            points.AsSpan(chosen * dimensions, dimensions).CopyTo(centre);
            total = 0;
            for (int i = 0; i < count; i++)
            {
                double distance = SquaredDistance(points.AsSpan(i * dimensions, dimensions), centre);
                if (distance < nearest[i]) nearest[i] = distance;
                total += nearest[i];
            }
        }
        return centroids;
    }

    static float SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int width = Vector<float>.Count, d = 0;
        var accumulator = Vector<float>.Zero;
        for (; d <= a.Length - width; d += width)
        {
            var difference = new Vector<float>(a.Slice(d, width)) - new Vector<float>(b.Slice(d, width));
            accumulator += difference * difference;
        }
        float sum = Vector.Sum(accumulator);
        for (; d < a.Length; d++) sum += (a[d] - b[d]) * (a[d] - b[d]);
        return sum;
    }

    static double MeanFeatureVariance(float[] points, int count, int dimensions)
    {
        double total = 0;
        for (int d = 0; d < dimensions; d++)
        {
            double sum = 0, sumOfSquares = 0;
            for (int i = 0; i < count; i++)
            {
                double value = points[i * dimensions + d];
                sum += value;
                sumOfSquares += value * value;
            }
            double mean = sum / count;
            total += Math.Max(0, sumOfSquares / count - mean * mean);
        }
        return total / dimensions;
    }
}
