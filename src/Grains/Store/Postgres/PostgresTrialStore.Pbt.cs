using AeGrid.Abstractions;
using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>Population-based training: checkpoint snapshots and the exploit transaction.</summary>
public sealed partial class PostgresTrialStore
{
    // A property: static fields of other partial files (EpochColumns) have no initialisation order relative to this one.
    private static string InsertEpochIfAbsent => $"""
        INSERT INTO epoch_metrics ({string.Join(", ", EpochColumns)}, written_at)
        VALUES ({string.Join(", ", EpochColumns.Select((_, i) => $"${i + 1}"))}, now())
        ON CONFLICT (trial_id, epoch) DO NOTHING
        """;

    public async Task<bool> SaveSnapshotAsync(StoredCheckpoint snapshot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return await WithRetryOnConflictAsync(async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            // As SaveCheckpointAsync: a share lock on the trial, so no attempt begins, ends or is exploited meanwhile.
            batch.BatchCommands.Add(BatchCommand("SELECT id FROM trials WHERE id = $1 FOR SHARE", P(snapshot.TrialId)));
            batch.BatchCommands.Add(BatchCommand($"""
                INSERT INTO checkpoint_snapshots (trial_id, epoch, attempt, bytes, saved_at)
                SELECT $1, $3, $2, $4, now()
                WHERE {IsCurrentWriter("$1", "$2")}
                ON CONFLICT (trial_id, epoch) DO UPDATE SET attempt = EXCLUDED.attempt, bytes = EXCLUDED.bytes, saved_at = EXCLUDED.saved_at
                """, P(snapshot.TrialId), P(snapshot.Attempt), P(snapshot.Epoch), P(snapshot.Bytes)));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return batch.BatchCommands[1].RecordsAffected == 1;
        }, ct).ConfigureAwait(false);
    }

    public Task<StoredCheckpoint?> LoadSnapshotAsync(string trialId, int epoch, CancellationToken ct = default) =>
        QuerySingleAsync("SELECT trial_id, attempt, epoch, bytes FROM checkpoint_snapshots WHERE trial_id = $1 AND epoch = $2",
            r => new StoredCheckpoint(r.GetString(0), r.GetInt32(1), r.GetInt32(2), 0, r.GetFieldValue<byte[]>(3)), ct, P(trialId), P(epoch));

    public Task<IReadOnlyList<string>> GetSnapshotHoldersAsync(string sweepId, int epoch, CancellationToken ct = default) =>
        QueryListAsync("""
            SELECT s.trial_id FROM checkpoint_snapshots s JOIN trials t ON t.id = s.trial_id
            WHERE t.sweep_id = $1 AND s.epoch = $2 ORDER BY s.trial_id
            """, r => r.GetString(0), ct, P(sweepId), P(epoch));

    public Task<ExploitResult> ExploitAsync(ExploitRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InTransactionAsync(async (connection, tx) =>
        {
            var (trialId, epoch) = (request.TrialId, request.Epoch);
            // The recipient's row lock, as EndAttemptAsync takes it: no attempt begins or ends, no epoch or checkpoint of its
            // attempt goes in (those take a share lock) until this commits.
            string sweepId, oldParameters, status;
            int attempts;
            await using (var reader = await Command(connection, tx, "SELECT sweep_id, hyperparameters::text, status, attempts FROM trials WHERE id = $1 FOR UPDATE",
                             P(trialId)).ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(ct).ConfigureAwait(false)) throw StoreChecks.NoTrial(trialId);
                (sweepId, oldParameters, status, attempts) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
            }
            if (await ScalarAsync(connection, tx, "SELECT 1 FROM pbt_exploits WHERE trial_id = $1 AND epoch = $2", ct, P(trialId), P(epoch))
                    .ConfigureAwait(false) is not null)
                return ExploitResult.AlreadyApplied;
            var open = await ScalarAsync(connection, tx, "SELECT 1 FROM trial_attempts WHERE trial_id = $1 AND attempt = $2 AND ended_at IS NULL",
                ct, P(trialId), P(request.Attempt)).ConfigureAwait(false);
            if (attempts != request.Attempt || status != TrialStatus.Running.ToWire() || open is null) return ExploitResult.NotCurrent;
            // The donor's snapshot is immutable once written at this epoch by its current attempt; a plain read suffices.
            if (await ScalarAsync(connection, tx, "SELECT 1 FROM checkpoint_snapshots WHERE trial_id = $1 AND epoch = $2", ct,
                    P(request.DonorId), P(epoch)).ConfigureAwait(false) is null)
                return ExploitResult.NoSnapshot;

            var row = request.EpochRow;
            var newParameters = StoreWire.ToJson(request.NewParameters);
            await using var apply = new NpgsqlBatch(connection, tx);
            // The recipient's epoch row exactly once: the epoch writer may not have flushed it yet, and after this
            // transaction the store refuses it (the attempt is fenced out).
            apply.BatchCommands.Add(BatchCommand(InsertEpochIfAbsent,
                P(trialId), P(epoch), P(request.Attempt), P(row.TrainMse), P(row.TestMse), P(row.TestPsnr), P(row.NoisyInputMse),
                P(row.NoisyInputPsnr), P(row.Nmi), P(row.ClusterAccuracy), P(row.BaselineNmi), P(row.BaselineClusterAccuracy),
                P(row.SamplesPerSecond), P(row.WallSeconds)));
            apply.BatchCommands.Add(BatchCommand("DELETE FROM epoch_metrics WHERE trial_id = $1 AND epoch > $2", P(trialId), P(epoch)));
            apply.BatchCommands.Add(BatchCommand(
                $"UPDATE trial_attempts SET ended_at = now(), outcome = '{AttemptOutcomes.Exploited}' WHERE trial_id = $1 AND attempt = $2",
                P(trialId), P(request.Attempt)));
            apply.BatchCommands.Add(BatchCommand("""
                UPDATE trials SET status = 'pending', error = NULL, hyperparameters = $2::jsonb, epochs_completed = $3 WHERE id = $1
                """, P(trialId), P(newParameters), P(epoch)));
            apply.BatchCommands.Add(BatchCommand("""
                INSERT INTO checkpoints (trial_id, attempt, epoch, batch, bytes, saved_at)
                SELECT $1, $2, $3, 0, s.bytes, now() FROM checkpoint_snapshots s WHERE s.trial_id = $4 AND s.epoch = $3
                ON CONFLICT (trial_id) DO UPDATE SET attempt = EXCLUDED.attempt, epoch = EXCLUDED.epoch, batch = EXCLUDED.batch,
                    bytes = EXCLUDED.bytes, saved_at = EXCLUDED.saved_at
                """, P(trialId), P(request.Attempt), P(epoch), P(request.DonorId)));
            apply.BatchCommands.Add(BatchCommand("""
                INSERT INTO pbt_exploits (sweep_id, trial_id, donor_id, epoch, old_params, new_params, exploited_at)
                VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, now())
                """, P(sweepId), P(trialId), P(request.DonorId), P(epoch), P(oldParameters), P(newParameters)));
            await apply.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return ExploitResult.Applied;
        }, ct);
    }

    public Task<IReadOnlyList<ExploitRecord>> GetExploitsAsync(string sweepId, CancellationToken ct = default) =>
        QueryListAsync("""
            SELECT sweep_id, trial_id, donor_id, epoch, old_params::text, new_params::text, exploited_at FROM pbt_exploits
            WHERE sweep_id = $1 ORDER BY epoch, trial_id
            """,
            r => new ExploitRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3),
                StoreWire.HyperparametersFromJson(r.GetString(4), r.GetString(1)),
                StoreWire.HyperparametersFromJson(r.GetString(5), r.GetString(1)), Time(r, 6)), ct, P(sweepId));
}
