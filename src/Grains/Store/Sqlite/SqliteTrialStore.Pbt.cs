using AeGrid.Abstractions;
using Microsoft.Data.Sqlite;

namespace AeGrid.Grains.Store;

/// <summary>Population-based training: checkpoint snapshots and the exploit transaction.</summary>
public sealed partial class SqliteTrialStore
{
    // A property: static fields of other partial files (EpochColumns) have no initialisation order relative to this one.
    private static string InsertEpochIfAbsent => $"""
        INSERT INTO epoch_metrics ({string.Join(", ", EpochColumns)}, written_at)
        VALUES ({string.Join(", ", EpochColumns.Select(c => "$" + c))}, $written_at)
        ON CONFLICT (trial_id, epoch) DO NOTHING
        """;

    public Task<bool> SaveSnapshotAsync(StoredCheckpoint snapshot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return WriteAsync((connection, tx) =>
        {
            var writers = CurrentWriters(connection, tx, [snapshot.TrialId]);
            if (snapshot.Attempt <= 0 || writers.GetValueOrDefault(snapshot.TrialId) != snapshot.Attempt) return false;
            Exec(connection, tx, """
                INSERT INTO checkpoint_snapshots (trial_id, epoch, attempt, bytes, saved_at) VALUES ($id, $epoch, $attempt, $bytes, $now)
                ON CONFLICT (trial_id, epoch) DO UPDATE SET attempt = excluded.attempt, bytes = excluded.bytes, saved_at = excluded.saved_at
                """, ("$id", snapshot.TrialId), ("$epoch", snapshot.Epoch), ("$attempt", snapshot.Attempt), ("$bytes", snapshot.Bytes), ("$now", Now()));
            return true;
        }, ct);
    }

    public Task<StoredCheckpoint?> LoadSnapshotAsync(string trialId, int epoch, CancellationToken ct = default) =>
        ReadAsync(connection => ReadSnapshot(connection, null, trialId, epoch), ct);

    private static StoredCheckpoint? ReadSnapshot(SqliteConnection connection, SqliteTransaction? tx, string trialId, int epoch)
    {
        using var reader = Command(connection, tx, "SELECT attempt, bytes FROM checkpoint_snapshots WHERE trial_id = $id AND epoch = $epoch",
            ("$id", trialId), ("$epoch", epoch)).ExecuteReader();
        return reader.Read() ? new StoredCheckpoint(trialId, reader.GetInt32(0), epoch, 0, (byte[])reader.GetValue(1)) : null;
    }

    public Task<IReadOnlyList<string>> GetSnapshotHoldersAsync(string sweepId, int epoch, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<string>>(connection =>
        {
            using var reader = Command(connection, null, """
                SELECT s.trial_id FROM checkpoint_snapshots s JOIN trials t ON t.id = s.trial_id
                WHERE t.sweep_id = $sweep AND s.epoch = $epoch ORDER BY s.trial_id
                """, ("$sweep", sweepId), ("$epoch", epoch)).ExecuteReader();
            var holders = new List<string>();
            while (reader.Read()) holders.Add(reader.GetString(0));
            return holders;
        }, ct);

    public Task<ExploitResult> ExploitAsync(ExploitRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // BEGIN IMMEDIATE: no other writer between the checks and the writes.
        return WriteAsync((connection, tx) =>
        {
            var (trialId, epoch) = (request.TrialId, request.Epoch);
            string sweepId, oldParameters, status;
            int attempts;
            using (var reader = Command(connection, tx, "SELECT sweep_id, hyperparameters, status, attempts FROM trials WHERE id = $id",
                       ("$id", trialId)).ExecuteReader())
            {
                if (!reader.Read()) throw StoreChecks.NoTrial(trialId);
                (sweepId, oldParameters, status, attempts) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
            }
            if (Scalar(connection, tx, "SELECT 1 FROM pbt_exploits WHERE trial_id = $id AND epoch = $epoch", ("$id", trialId), ("$epoch", epoch)) is not null)
                return ExploitResult.AlreadyApplied;
            var open = Scalar(connection, tx, "SELECT 1 FROM trial_attempts WHERE trial_id = $id AND attempt = $attempt AND ended_at IS NULL",
                ("$id", trialId), ("$attempt", request.Attempt));
            if (attempts != request.Attempt || status != TrialStatus.Running.ToWire() || open is null) return ExploitResult.NotCurrent;
            if (ReadSnapshot(connection, tx, request.DonorId, epoch) is not { } donor) return ExploitResult.NoSnapshot;

            // The recipient's epoch row exactly once: the epoch writer may not have flushed it yet, and after this
            // transaction the store refuses it (the attempt is fenced out).
            var row = request.EpochRow with { TrialId = trialId, Epoch = epoch, Attempt = request.Attempt };
            using (var insert = Command(connection, tx, InsertEpochIfAbsent,
                       [.. EpochColumns.Select(c => ("$" + c, (object?)null)), ("$written_at", Now())]))
            {
                BindEpoch(insert, row);
                insert.ExecuteNonQuery();
            }
            var now = Now();
            Exec(connection, tx, "DELETE FROM epoch_metrics WHERE trial_id = $id AND epoch > $epoch", ("$id", trialId), ("$epoch", epoch));
            Exec(connection, tx, $"UPDATE trial_attempts SET ended_at = $now, outcome = '{AttemptOutcomes.Exploited}' WHERE trial_id = $id AND attempt = $attempt",
                ("$id", trialId), ("$attempt", request.Attempt), ("$now", now));
            var newParameters = StoreWire.ToJson(request.NewParameters);
            Exec(connection, tx, """
                UPDATE trials SET status = 'pending', error = NULL, hyperparameters = $parameters, epochs_completed = $epoch WHERE id = $id
                """, ("$id", trialId), ("$parameters", newParameters), ("$epoch", epoch));
            Exec(connection, tx, """
                INSERT INTO checkpoints (trial_id, attempt, epoch, batch, bytes, saved_at) VALUES ($id, $attempt, $epoch, 0, $bytes, $now)
                ON CONFLICT (trial_id) DO UPDATE SET attempt = excluded.attempt, epoch = excluded.epoch, batch = excluded.batch,
                    bytes = excluded.bytes, saved_at = excluded.saved_at
                """, ("$id", trialId), ("$attempt", request.Attempt), ("$epoch", epoch), ("$bytes", donor.Bytes), ("$now", now));
            Exec(connection, tx, """
                INSERT INTO pbt_exploits (sweep_id, trial_id, donor_id, epoch, old_params, new_params, exploited_at)
                VALUES ($sweep, $id, $donor, $epoch, $old, $new, $now)
                """, ("$sweep", sweepId), ("$id", trialId), ("$donor", request.DonorId), ("$epoch", epoch), ("$old", oldParameters),
                ("$new", newParameters), ("$now", now));
            return ExploitResult.Applied;
        }, ct);
    }

    public Task<IReadOnlyList<ExploitRecord>> GetExploitsAsync(string sweepId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<ExploitRecord>>(connection =>
        {
            using var reader = Command(connection, null, """
                SELECT sweep_id, trial_id, donor_id, epoch, old_params, new_params, exploited_at FROM pbt_exploits
                WHERE sweep_id = $sweep ORDER BY epoch, trial_id
                """, ("$sweep", sweepId)).ExecuteReader();
            var exploits = new List<ExploitRecord>();
            while (reader.Read())
                exploits.Add(new ExploitRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                    StoreWire.HyperparametersFromJson(reader.GetString(4), reader.GetString(1)),
                    StoreWire.HyperparametersFromJson(reader.GetString(5), reader.GetString(1)), Time(reader, 6)));
            return exploits;
        }, ct);
}
