using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace AeGrid.Grains.Store;

/// <summary>Epoch metrics, checkpoints and kept models.</summary>
public sealed partial class PostgresTrialStore
{
    // ------------------------------------------------------------------ epochs

    public async Task<int> WriteEpochsAsync(IReadOnlyList<EpochReport> epochs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        // Sorted, so concurrent writers touch rows in one order and cannot deadlock on them.
        var rows = StoreChecks.LastPerTrialAndEpoch(epochs)
            .OrderBy(r => r.TrialId, StringComparer.Ordinal).ThenBy(r => r.Epoch).ToArray();
        if (rows.Length == 0) return 0;
        var trialIds = rows.Select(r => r.TrialId).Distinct().ToArray();

        var written = await WithRetryOnConflictAsync(async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            // A share lock on the trials: no attempt can begin or end for them while these rows go in.
            batch.BatchCommands.Add(BatchCommand("SELECT id FROM trials WHERE id = ANY($1) ORDER BY id FOR SHARE", P(trialIds)));
            batch.BatchCommands.Add(BatchCommand(UpsertEpochs,
                P(rows.Select(r => r.TrialId).ToArray()), P(rows.Select(r => r.Epoch).ToArray()), P(rows.Select(r => r.Attempt).ToArray()),
                P(rows.Select(r => r.TrainMse).ToArray()), P(rows.Select(r => r.TestMse).ToArray()),
                P(rows.Select(r => r.TestPsnr).ToArray()), P(rows.Select(r => r.NoisyInputMse).ToArray()),
                P(rows.Select(r => r.NoisyInputPsnr).ToArray()), P(rows.Select(r => r.Nmi).ToArray()),
                P(rows.Select(r => r.ClusterAccuracy).ToArray()), P(rows.Select(r => r.BaselineNmi).ToArray()),
                P(rows.Select(r => r.BaselineClusterAccuracy).ToArray()), P(rows.Select(r => r.SamplesPerSecond).ToArray()),
                P(rows.Select(r => r.WallSeconds).ToArray())));
            batch.BatchCommands.Add(BatchCommand("""
                UPDATE trials t SET epochs_completed = m.last_epoch
                FROM (SELECT trial_id, max(epoch) AS last_epoch FROM epoch_metrics WHERE trial_id = ANY($1) GROUP BY trial_id) m
                WHERE t.id = m.trial_id AND t.epochs_completed <> m.last_epoch
                """, P(trialIds)));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return batch.BatchCommands[1].RecordsAffected;
        }, ct).ConfigureAwait(false);

        if (written < rows.Length) LogFencedEpochsDropped(_logger, rows.Length - written);
        return written;
    }

    public async Task<int> CountRedoneEpochsAsync(string sweepId, CancellationToken ct = default) =>
        (await QueryListAsync("""
            SELECT coalesce(sum(e.write_count - 1), 0)::integer FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id
            WHERE t.sweep_id = $1
            """, r => r.GetInt32(0), ct, P(sweepId)).ConfigureAwait(false))[0];

    public Task<IReadOnlyList<EpochReport>> GetEpochsAsync(string trialId, CancellationToken ct = default) =>
        QueryListAsync($"SELECT {string.Join(", ", EpochColumns)} FROM epoch_metrics WHERE trial_id = $1 ORDER BY epoch",
            r => new EpochReport
            {
                TrialId = r.GetString(0),
                Epoch = r.GetInt32(1),
                Attempt = r.GetInt32(2),
                TrainMse = r.GetDouble(3),
                TestMse = r.GetDouble(4),
                TestPsnr = NullableDouble(r, 5),
                NoisyInputMse = NullableDouble(r, 6),
                NoisyInputPsnr = NullableDouble(r, 7),
                Nmi = NullableDouble(r, 8),
                ClusterAccuracy = NullableDouble(r, 9),
                BaselineNmi = NullableDouble(r, 10),
                BaselineClusterAccuracy = NullableDouble(r, 11),
                SamplesPerSecond = r.GetDouble(12),
                WallSeconds = r.GetDouble(13),
            }, ct, P(trialId));

    // ------------------------------------------------------------------ checkpoints and models

    public async Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return await WithRetryOnConflictAsync(async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(BatchCommand("SELECT id FROM trials WHERE id = $1 FOR SHARE", P(checkpoint.TrialId)));
            batch.BatchCommands.Add(BatchCommand($"""
                INSERT INTO checkpoints (trial_id, attempt, epoch, batch, bytes, saved_at)
                SELECT $1, $2, $3, $4, $5, now()
                WHERE {IsCurrentWriter("$1", "$2")}
                ON CONFLICT (trial_id) DO UPDATE SET attempt = EXCLUDED.attempt, epoch = EXCLUDED.epoch, batch = EXCLUDED.batch,
                    bytes = EXCLUDED.bytes, saved_at = EXCLUDED.saved_at
                """, P(checkpoint.TrialId), P(checkpoint.Attempt), P(checkpoint.Epoch), P(checkpoint.Batch), P(checkpoint.Bytes)));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return batch.BatchCommands[1].RecordsAffected == 1;
        }, ct).ConfigureAwait(false);
    }

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken ct = default) =>
        QuerySingleAsync("SELECT trial_id, attempt, epoch, batch, bytes FROM checkpoints WHERE trial_id = $1",
            r => new StoredCheckpoint(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetFieldValue<byte[]>(4)), ct, P(trialId));

    public async Task SaveModelAsync(StoredModel model, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var written = await ExecAsync(null, null, """
            INSERT INTO models (trial_id, weights, created_at)
            SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM trials WHERE id = $1)
            ON CONFLICT (trial_id) DO UPDATE SET weights = EXCLUDED.weights, created_at = EXCLUDED.created_at
            """, ct, P(model.TrialId), P(model.Weights), P(model.CreatedAt.ToUniversalTime())).ConfigureAwait(false);
        if (written == 0) throw StoreChecks.NoTrial(model.TrialId);
    }

    public Task<StoredModel?> GetModelAsync(string trialId, CancellationToken ct = default) =>
        QuerySingleAsync("SELECT trial_id, weights, created_at FROM models WHERE trial_id = $1",
            r => new StoredModel(r.GetString(0), r.GetFieldValue<byte[]>(1), Time(r, 2)), ct, P(trialId));
}
