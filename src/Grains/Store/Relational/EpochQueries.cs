using AeGrid.Abstractions;
using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

/// <summary>Epoch metrics: one row per (trial, epoch), written only by the trial's current attempt.</summary>
internal sealed partial class EpochQueries(IStoreSessions db, ILogger logger)
{
    private StoreDialect D => db.Dialect;

    /// <summary>
    /// One row's upsert, dropped unless its attempt is the trial's current writer (<see cref="AttemptLedger.IsCurrentWriter"/>).
    /// Written again it overwrites and counts the rewrite (write_count: epochs a resumed attempt trained again).
    /// </summary>
    public static string UpsertOne(StoreDialect d) => $"""
        INSERT INTO epoch_metrics ({string.Join(", ", StoreRows.EpochColumns)}, written_at)
        SELECT {string.Join(", ", StoreRows.EpochColumns.Select(c => "@" + c))}, {d.Now}
        WHERE {AttemptLedger.IsCurrentWriter("@trial_id", "@attempt")}
        {UpsertConflict}
        """;

    /// <summary>The ON CONFLICT clause of <see cref="UpsertOne"/>, for a dialect that upserts many rows in one statement.</summary>
    public static readonly string UpsertConflict = $"""
        ON CONFLICT (trial_id, epoch) DO UPDATE SET
            {string.Join(", ", StoreRows.EpochColumns.Skip(2).Append("written_at").Select(c => $"{c} = excluded.{c}"))},
            write_count = epoch_metrics.write_count + 1
        """;

    public async Task<int> WriteAsync(IReadOnlyList<EpochReport> epochs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        // Sorted, so concurrent writers touch rows in one order and cannot deadlock on them.
        var rows = StoreChecks.LastPerTrialAndEpoch(epochs).OrderBy(r => r.TrialId, StringComparer.Ordinal).ThenBy(r => r.Epoch).ToArray();
        if (rows.Length == 0) return 0;
        var trialIds = D.IdList([.. rows.Select(r => r.TrialId).Distinct()]);

        var written = await db.WriteAsync(async s =>
        {
            // A share lock on the trials: no attempt can begin or end for them while these rows go in.
            await s.ShareLockAsync($"SELECT id FROM trials WHERE {D.IdIn("id", "@ids")} ORDER BY id", ct, ("@ids", trialIds)).ConfigureAwait(false);
            var upserted = await D.UpsertEpochsAsync(s, rows, ct).ConfigureAwait(false);
            await s.ExecAsync($"""
                UPDATE trials SET epochs_completed = (SELECT max(epoch) FROM epoch_metrics WHERE trial_id = trials.id)
                WHERE {D.IdIn("id", "@ids")} AND epochs_completed <> (SELECT max(epoch) FROM epoch_metrics WHERE trial_id = trials.id)
                """, ct, ("@ids", trialIds)).ConfigureAwait(false);
            return upserted;
        }, ct).ConfigureAwait(false);

        if (written < rows.Length) LogFencedEpochsDropped(logger, rows.Length - written);
        return written;
    }

    public Task<IReadOnlyList<EpochReport>> GetAsync(string trialId, CancellationToken ct) =>
        db.ReadAsync<IReadOnlyList<EpochReport>>(async s => await s.ListAsync(
            $"SELECT {string.Join(", ", StoreRows.EpochColumns)} FROM epoch_metrics WHERE trial_id = @id ORDER BY epoch",
            StoreRows.Epoch, ct, ("@id", trialId)).ConfigureAwait(false), ct);

    public Task<int> CountRedoneAsync(string sweepId, CancellationToken ct) => CountAsync("""
        SELECT CAST(coalesce(sum(e.write_count - 1), 0) AS integer) FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id
        WHERE t.sweep_id = @id
        """, sweepId, ct);

    public Task<int> CountRedoneOfTrialAsync(string trialId, CancellationToken ct) =>
        CountAsync("SELECT CAST(coalesce(sum(write_count - 1), 0) AS integer) FROM epoch_metrics WHERE trial_id = @id", trialId, ct);

    private Task<int> CountAsync(string sql, string id, CancellationToken ct) =>
        db.ReadAsync(async s => Convert.ToInt32(await s.ScalarAsync(sql, ct, ("@id", id)).ConfigureAwait(false)), ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Count} epoch rows from attempts that are no longer current (fenced out)")]
    private static partial void LogFencedEpochsDropped(ILogger logger, int count);
}
