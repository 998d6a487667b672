using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AeGrid.SearchBenchmark;

/// <summary>
/// Reads a finished run's epochs from its own SQLite store (one store per run, so every row is this run's). The
/// figures come from the store's rows, not from anything the benchmark timed itself.
/// </summary>
public static class StoreEpochs
{
    /// <summary>The store's time format (src/Grains/Store/StoreWire.cs).</summary>
    const string SqliteTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static (IReadOnlyList<EpochEvent> Epochs, IReadOnlyDictionary<string, int> TrialsByStatus) Read(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();

        var epochs = new List<EpochEvent>();
        using (var query = connection.CreateCommand())
        {
            // write_count > 1: an epoch trained again after a resume; that training was spent too.
            query.CommandText = """
                SELECT t.number, e.epoch, e.test_mse, e.written_at, e.write_count
                FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id
                ORDER BY e.written_at, t.number, e.epoch
                """;
            using var reader = query.ExecuteReader();
            while (reader.Read())
                epochs.Add(new EpochEvent(
                    reader.GetInt32(0),
                    reader.GetInt32(1),
                    Metric(reader.GetValue(2)),
                    DateTimeOffset.ParseExact(reader.GetString(3), SqliteTimeFormat, CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                    reader.GetInt32(4)));
        }

        var byStatus = new SortedDictionary<string, int>(StringComparer.Ordinal);
        using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT status, count(*) FROM trials GROUP BY status";
            using var reader = query.ExecuteReader();
            while (reader.Read()) byStatus[reader.GetString(0)] = reader.GetInt32(1);
        }
        return (epochs, byStatus);
    }

    /// <summary>The store keeps NaN as the text 'NaN' (SQLite would turn a bound NaN into NULL).</summary>
    static double Metric(object value) => value switch
    {
        double d => d,
        long l => l,
        string s => double.Parse(s, CultureInfo.InvariantCulture),
        _ => double.NaN,
    };
}
