using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>Epoch metrics, checkpoints and kept models.</summary>
public sealed partial class SqliteTrialStore
{
    // ------------------------------------------------------------------ epochs

    public Task<int> WriteEpochsAsync(IReadOnlyList<EpochReport> epochs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        var rows = StoreChecks.LastPerTrialAndEpoch(epochs);
        if (rows.Count == 0) return Task.FromResult(0);

        return WriteAsync((connection, tx) =>
        {
            var writers = CurrentWriters(connection, tx, rows.Select(r => r.TrialId).Distinct());
            using var upsert = Command(connection, tx, UpsertEpoch,
                [.. EpochColumns.Select(c => ("$" + c, (object?)null)), ("$written_at", Now())]);
            upsert.Prepare();
            var written = 0;
            var touched = new HashSet<string>();
            foreach (var row in rows)
            {
                if (writers.GetValueOrDefault(row.TrialId) != row.Attempt || row.Attempt <= 0) continue; // fenced out
                BindEpoch(upsert, row);
                written += upsert.ExecuteNonQuery();
                touched.Add(row.TrialId);
            }

            using var progress = Command(connection, tx,
                "UPDATE trials SET epochs_completed = (SELECT max(epoch) FROM epoch_metrics WHERE trial_id = $id) WHERE id = $id",
                ("$id", ""));
            foreach (var trialId in touched)
            {
                progress.Parameters["$id"].Value = trialId;
                progress.ExecuteNonQuery();
            }
            if (written < rows.Count) LogFencedEpochsDropped(_logger, rows.Count - written);
            return written;
        }, ct);
    }

    public Task<int> CountRedoneEpochsAsync(string sweepId, CancellationToken ct = default) =>
        ReadAsync(connection => Convert.ToInt32(Command(connection, null, """
            SELECT coalesce(sum(e.write_count - 1), 0) FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id
            WHERE t.sweep_id = $sweep
            """, ("$sweep", sweepId)).ExecuteScalar()), ct);

    public Task<IReadOnlyList<EpochReport>> GetEpochsAsync(string trialId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<EpochReport>>(connection =>
        {
            using var reader = Command(connection, null,
                $"SELECT {string.Join(", ", EpochColumns)} FROM epoch_metrics WHERE trial_id = $id ORDER BY epoch", ("$id", trialId)).ExecuteReader();
            var epochs = new List<EpochReport>();
            while (reader.Read())
                epochs.Add(new EpochReport
                {
                    TrialId = reader.GetString(0),
                    Epoch = reader.GetInt32(1),
                    Attempt = reader.GetInt32(2),
                    TrainMse = Metric(reader, 3)!.Value,
                    TestMse = Metric(reader, 4)!.Value,
                    TestPsnr = Metric(reader, 5),
                    NoisyInputMse = Metric(reader, 6),
                    NoisyInputPsnr = Metric(reader, 7),
                    Nmi = Metric(reader, 8),
                    ClusterAccuracy = Metric(reader, 9),
                    BaselineNmi = Metric(reader, 10),
                    BaselineClusterAccuracy = Metric(reader, 11),
                    SamplesPerSecond = Metric(reader, 12)!.Value,
                    WallSeconds = Metric(reader, 13)!.Value,
                });
            return epochs;
        }, ct);

    // ------------------------------------------------------------------ checkpoints and models

    public Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return WriteAsync((connection, tx) =>
        {
            var writers = CurrentWriters(connection, tx, [checkpoint.TrialId]);
            if (checkpoint.Attempt <= 0 || writers.GetValueOrDefault(checkpoint.TrialId) != checkpoint.Attempt) return false;
            Exec(connection, tx, """
                INSERT INTO checkpoints (trial_id, attempt, epoch, batch, bytes, saved_at) VALUES ($id, $attempt, $epoch, $batch, $bytes, $now)
                ON CONFLICT (trial_id) DO UPDATE SET attempt = excluded.attempt, epoch = excluded.epoch, batch = excluded.batch,
                    bytes = excluded.bytes, saved_at = excluded.saved_at
                """, ("$id", checkpoint.TrialId), ("$attempt", checkpoint.Attempt), ("$epoch", checkpoint.Epoch),
                ("$batch", checkpoint.Batch), ("$bytes", checkpoint.Bytes), ("$now", Now()));
            return true;
        }, ct);
    }

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken ct = default) =>
        ReadAsync(connection =>
        {
            using var reader = Command(connection, null, "SELECT trial_id, attempt, epoch, batch, bytes FROM checkpoints WHERE trial_id = $id",
                ("$id", trialId)).ExecuteReader();
            return reader.Read()
                ? new StoredCheckpoint(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), (byte[])reader.GetValue(4))
                : null;
        }, ct);

    public Task SaveModelAsync(StoredModel model, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return WriteAsync((connection, tx) =>
        {
            if (Scalar(connection, tx, "SELECT 1 FROM trials WHERE id = $id", ("$id", model.TrialId)) is null)
                throw StoreChecks.NoTrial(model.TrialId);
            return Exec(connection, tx, """
                INSERT INTO models (trial_id, weights, created_at) VALUES ($id, $weights, $created)
                ON CONFLICT (trial_id) DO UPDATE SET weights = excluded.weights, created_at = excluded.created_at
                """, ("$id", model.TrialId), ("$weights", model.Weights), ("$created", StoreWire.ToSqliteTime(model.CreatedAt)));
        }, ct);
    }

    public Task<StoredModel?> GetModelAsync(string trialId, CancellationToken ct = default) =>
        ReadAsync(connection =>
        {
            using var reader = Command(connection, null, "SELECT trial_id, weights, created_at FROM models WHERE trial_id = $id",
                ("$id", trialId)).ExecuteReader();
            return reader.Read() ? new StoredModel(reader.GetString(0), (byte[])reader.GetValue(1), Time(reader, 2)) : null;
        }, ct);
}
