using AeGrid.Abstractions;
using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>Set-based changes to a whole sweep's trials: cancel, retry, and closing attempts whose lease ran out.</summary>
public sealed partial class PostgresTrialStore
{
    public Task<IReadOnlyList<string>> CancelTrialsAsync(string sweepId, string reason, CancellationToken ct = default) =>
        InTransactionAsync<IReadOnlyList<string>>(async (connection, tx) =>
        {
            // Lock the trials in id order first, as every other write that touches several trials does.
            await ExecAsync(connection, tx, "SELECT id FROM trials WHERE sweep_id = $1 AND status IN ('pending', 'running') ORDER BY id FOR UPDATE",
                ct, P(sweepId)).ConfigureAwait(false);
            var wasRunning = new List<string>();
            await using var reader = await Command(connection, tx, """
                UPDATE trials t SET status = 'cancelled', error = $2, finished_at = now()
                FROM (SELECT id, status AS before FROM trials WHERE sweep_id = $1 AND status IN ('pending', 'running')) b
                WHERE t.id = b.id
                RETURNING t.id, b.before
                """, P(sweepId), P(reason)).ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                if (reader.GetString(1) == "running") wasRunning.Add(reader.GetString(0));
            wasRunning.Sort(StringComparer.Ordinal);
            return wasRunning;
        }, ct);

    public async Task<int> RetryFailedTrialsAsync(string sweepId, CancellationToken ct = default) =>
        await ExecAsync(null, null, "UPDATE trials SET status = 'pending', error = NULL, finished_at = NULL, finish_seq = NULL WHERE sweep_id = $1 AND status = 'failed'",
            ct, P(sweepId)).ConfigureAwait(false);
}
