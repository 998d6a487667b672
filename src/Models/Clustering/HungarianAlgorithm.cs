namespace AeGrid.Models.Clustering;

/// <summary>
/// The Hungarian (Kuhn–Munkres) algorithm with row and column potentials, O(n²m): the assignment of every row
/// to a distinct column with the least total cost.
/// </summary>
public static class HungarianAlgorithm
{
    /// <summary>For each row, its column. Needs rows ≤ columns.</summary>
    public static int[] MinimumCostAssignment(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        if (rows > columns) throw new ArgumentException($"needs rows ≤ columns, got {rows}×{columns}", nameof(cost));
        // 1-based arrays; column 0 is a sentinel holding the row being inserted.
        var rowPotential = new double[rows + 1];
        var columnPotential = new double[columns + 1];
        var rowOfColumn = new int[columns + 1];
        var previousColumn = new int[columns + 1];
        for (int row = 1; row <= rows; row++)
        {
            rowOfColumn[0] = row;
            int column = 0;
            var slack = new double[columns + 1];
            var used = new bool[columns + 1];
            Array.Fill(slack, double.PositiveInfinity);
            do
            {
                used[column] = true;
                int currentRow = rowOfColumn[column], nextColumn = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= columns; j++)
                {
                    if (used[j]) continue;
                    double reduced = cost[currentRow - 1, j - 1] - rowPotential[currentRow] - columnPotential[j];
                    if (reduced < slack[j]) { slack[j] = reduced; previousColumn[j] = column; }
                    if (slack[j] < delta) { delta = slack[j]; nextColumn = j; }
                }
                for (int j = 0; j <= columns; j++)
                {
                    if (used[j]) { rowPotential[rowOfColumn[j]] += delta; columnPotential[j] -= delta; }
                    else slack[j] -= delta;
                }
                column = nextColumn;
            } while (rowOfColumn[column] != 0);
            do
            {
                int previous = previousColumn[column];
                rowOfColumn[column] = rowOfColumn[previous];
                column = previous;
            } while (column != 0);
        }
        var assignment = new int[rows];
        for (int j = 1; j <= columns; j++)
            if (rowOfColumn[j] != 0) assignment[rowOfColumn[j] - 1] = j - 1;
        return assignment;
    }
}
