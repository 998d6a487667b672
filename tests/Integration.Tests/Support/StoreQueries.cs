using Npgsql;

namespace AeGrid.Integration.Tests.Support;

/// <summary>Direct SQL over the store's tables: what the tests check is what is durably there.</summary>
public static class StoreQueries
{
    public static async Task<List<T>> QueryAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> read)
    {
        // No pooling: the fault tests restart the server, which kills pooled connections.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    /// <summary>(trial, epoch) pairs stored more than once: must always be empty.</summary>
    public static Task<List<string>> DuplicateEpochsAsync(string cs) => QueryAsync(cs,
        "SELECT trial_id || ':' || epoch FROM epoch_metrics GROUP BY trial_id, epoch HAVING count(*) > 1", r => r.GetString(0));

    public static Task<List<(string Trial, int Epochs, int MaxEpoch)>> EpochCountsAsync(string cs) => QueryAsync(cs,
        "SELECT trial_id, count(*)::int, max(epoch) FROM epoch_metrics GROUP BY trial_id", r => (r.GetString(0), r.GetInt32(1), r.GetInt32(2)));

    public record Attempt(string Trial, int Number, string Silo, DateTime Start, DateTime? End);

    public static Task<List<Attempt>> AttemptsAsync(string cs) => QueryAsync(cs,
        "SELECT trial_id, attempt, silo, started_at, ended_at FROM trial_attempts ORDER BY started_at",
        r => new Attempt(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetDateTime(3), r.IsDBNull(4) ? null : r.GetDateTime(4)));

    /// <summary>The most attempts a silo ever had open at the same moment (a sweep of interval end points).</summary>
    public static int MaxConcurrent(IEnumerable<Attempt> attempts)
    {
        var events = attempts.SelectMany(a => new[] { (a.Start, +1), (a.End ?? DateTime.MaxValue, -1) })
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2); // an end at the same instant as a start frees the slot first
        int open = 0, max = 0;
        foreach (var (_, delta) in events) max = Math.Max(max, open += delta);
        return max;
    }

    /// <summary>Pairs of attempts of the same trial whose open intervals overlap: must always be empty.</summary>
    public static List<string> OverlappingAttempts(IEnumerable<Attempt> attempts) =>
        attempts.GroupBy(a => a.Trial)
            .SelectMany(g => g.SelectMany(a => g.Where(b => b.Number > a.Number && b.Start < (a.End ?? DateTime.MaxValue))
                .Select(b => $"{a.Trial}: attempt {a.Number} on {a.Silo} overlaps attempt {b.Number} on {b.Silo}")))
            .ToList();
}
