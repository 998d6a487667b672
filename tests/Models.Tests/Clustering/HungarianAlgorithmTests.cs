using AeGrid.Models.Clustering;

namespace AeGrid.Models.Tests.Clustering;

public sealed class HungarianAlgorithmTests
{
    [Fact]
    public void Finds_the_classic_optimum()
    {
        // Best: row 0→1 (2), 1→0 (6), 2→2 (1), 3→3 (4) = 13.
        double[,] cost = { { 9, 2, 7, 8 }, { 6, 4, 3, 7 }, { 5, 8, 1, 8 }, { 7, 6, 9, 4 } };

        var assignment = HungarianAlgorithm.MinimumCostAssignment(cost);

        Assert.Equal([1, 0, 2, 3], assignment);
        Assert.Equal(13, Total(cost, assignment));
    }

    [Fact]
    public void Matches_brute_force_on_random_matrices()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 50; trial++)
        {
            int rows = random.Next(1, 6), columns = rows + random.Next(0, 3);
            var cost = new double[rows, columns];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) cost[r, c] = random.Next(-20, 20);

            var assignment = HungarianAlgorithm.MinimumCostAssignment(cost);

            Assert.Equal(rows, assignment.Distinct().Count());
            Assert.Equal(BruteForceMinimum(cost), Total(cost, assignment));
        }
    }

    [Fact]
    public void Refuses_more_rows_than_columns() =>
        Assert.Throws<ArgumentException>(() => HungarianAlgorithm.MinimumCostAssignment(new double[3, 2]));

    static double Total(double[,] cost, int[] assignment) => assignment.Select((column, row) => cost[row, column]).Sum();

    static double BruteForceMinimum(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        double best = double.PositiveInfinity;
        void Search(int row, bool[] used, double sum)
        {
            if (row == rows) { best = Math.Min(best, sum); return; }
            for (int c = 0; c < columns; c++)
            {
                if (used[c]) continue;
                used[c] = true;
                Search(row + 1, used, sum + cost[row, c]);
                used[c] = false;
            }
        }
        Search(0, new bool[columns], 0);
        return best;
    }
}
