using AeGrid.Abstractions;
using Microsoft.Data.Sqlite;

namespace AeGrid.Grains.Store;

/// <summary>Set-based changes to a whole sweep's trials: cancel, retry, and closing attempts whose lease ran out.</summary>
public sealed partial class SqliteTrialStore
{
    public Task<IReadOnlyList<string>> CancelTrialsAsync(string sweepId, string reason, CancellationToken ct = default) =>
        WriteAsync<IReadOnlyList<string>>((connection, tx) =>
        {
            // One writer at a time (BEGIN IMMEDIATE): what we read here is what we change.
            var wasRunning = Ids(connection, tx, "SELECT id FROM trials WHERE sweep_id = $sweep AND status = 'running' ORDER BY id", sweepId);
            Exec(connection, tx, """
                UPDATE trials SET status = 'cancelled', error = $reason, finished_at = $now
                WHERE sweep_id = $sweep AND status IN ('pending', 'running')
                """, ("$sweep", sweepId), ("$reason", reason), ("$now", Now()));
            return wasRunning;
        }, ct);

    public Task<int> RetryFailedTrialsAsync(string sweepId, CancellationToken ct = default) =>
        WriteAsync((connection, tx) => Exec(connection, tx,
            "UPDATE trials SET status = 'pending', error = NULL, finished_at = NULL, finish_seq = NULL WHERE sweep_id = $sweep AND status = 'failed'",
            ("$sweep", sweepId)), ct);

    private static List<string> Ids(SqliteConnection connection, SqliteTransaction tx, string sql, string sweepId, string? now = null)
    {
        var ids = new List<string>();
        using var command = Command(connection, tx, sql, ("$sweep", sweepId), ("$now", now));
        using var reader = command.ExecuteReader();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return ids;
    }
}
