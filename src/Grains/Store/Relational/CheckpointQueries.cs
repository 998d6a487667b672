namespace AeGrid.Grains.Store;

/// <summary>Checkpoints (one per trial, to resume from), pbt's snapshots (one per trial and epoch) and kept models.</summary>
internal sealed class CheckpointQueries(IStoreSessions db)
{
    private StoreDialect D => db.Dialect;

    public Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return SaveFencedAsync(checkpoint.TrialId, checkpoint.Attempt, $"""
            INSERT INTO checkpoints (trial_id, attempt, epoch, batch, bytes, saved_at)
            SELECT @id, @attempt, @epoch, @batch, @bytes, {D.Now}
            WHERE {AttemptLedger.IsCurrentWriter("@id", "@attempt")}
            ON CONFLICT (trial_id) DO UPDATE SET attempt = excluded.attempt, epoch = excluded.epoch, batch = excluded.batch,
                bytes = excluded.bytes, saved_at = excluded.saved_at
            """, ct, ("@epoch", checkpoint.Epoch), ("@batch", checkpoint.Batch), ("@bytes", checkpoint.Bytes));
    }

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken ct) =>
        db.ReadAsync(s => s.SingleAsync("SELECT trial_id, attempt, epoch, batch, bytes FROM checkpoints WHERE trial_id = @id",
            r => new StoredCheckpoint(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), (byte[])r.GetValue(4)), ct, ("@id", trialId)), ct);

    public Task<bool> SaveSnapshotAsync(StoredCheckpoint snapshot, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return SaveFencedAsync(snapshot.TrialId, snapshot.Attempt, $"""
            INSERT INTO checkpoint_snapshots (trial_id, epoch, attempt, bytes, saved_at)
            SELECT @id, @epoch, @attempt, @bytes, {D.Now}
            WHERE {AttemptLedger.IsCurrentWriter("@id", "@attempt")}
            ON CONFLICT (trial_id, epoch) DO UPDATE SET attempt = excluded.attempt, bytes = excluded.bytes, saved_at = excluded.saved_at
            """, ct, ("@epoch", snapshot.Epoch), ("@bytes", snapshot.Bytes));
    }

    public Task<StoredCheckpoint?> LoadSnapshotAsync(string trialId, int epoch, CancellationToken ct) =>
        db.ReadAsync(s => s.SingleAsync("SELECT trial_id, attempt, epoch, bytes FROM checkpoint_snapshots WHERE trial_id = @id AND epoch = @epoch",
            r => new StoredCheckpoint(r.GetString(0), r.GetInt32(1), r.GetInt32(2), 0, (byte[])r.GetValue(3)), ct, ("@id", trialId), ("@epoch", epoch)), ct);

    public Task<IReadOnlyList<string>> GetSnapshotHoldersAsync(string sweepId, int epoch, CancellationToken ct) =>
        db.ReadAsync<IReadOnlyList<string>>(async s => await s.ListAsync("""
            SELECT s.trial_id FROM checkpoint_snapshots s JOIN trials t ON t.id = s.trial_id
            WHERE t.sweep_id = @sweep AND s.epoch = @epoch ORDER BY s.trial_id
            """, r => r.GetString(0), ct, ("@sweep", sweepId), ("@epoch", epoch)).ConfigureAwait(false), ct);

    public Task SaveModelAsync(StoredModel model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        return db.WriteAsync(async s => await s.ExecAsync("""
            INSERT INTO models (trial_id, weights, created_at)
            SELECT @id, @weights, @created WHERE EXISTS (SELECT 1 FROM trials WHERE id = @id)
            ON CONFLICT (trial_id) DO UPDATE SET weights = excluded.weights, created_at = excluded.created_at
            """, ct, ("@id", model.TrialId), ("@weights", model.Weights), ("@created", D.Time(model.CreatedAt))).ConfigureAwait(false) == 0
            ? throw StoreChecks.NoTrial(model.TrialId)
            : 1, ct);
    }

    public Task<StoredModel?> GetModelAsync(string trialId, CancellationToken ct) =>
        db.ReadAsync(s => s.SingleAsync("SELECT trial_id, weights, created_at FROM models WHERE trial_id = @id",
            r => new StoredModel(r.GetString(0), (byte[])r.GetValue(1), D.ReadTime(r, 2)), ct, ("@id", trialId)), ct);

    /// <summary>Runs a fenced insert (<see cref="AttemptLedger.IsCurrentWriter"/>); true when it wrote.</summary>
    private Task<bool> SaveFencedAsync(string trialId, int attempt, string insert, CancellationToken ct,
        params (string Name, object? Value)[] values) =>
        db.WriteAsync(async s =>
        {
            // A share lock on the trial: no attempt begins, ends or is exploited while this goes in.
            await s.ShareLockAsync("SELECT id FROM trials WHERE id = @id", ct, ("@id", trialId)).ConfigureAwait(false);
            return await s.ExecAsync(insert, ct, [("@id", trialId), ("@attempt", attempt), .. values]).ConfigureAwait(false) == 1;
        }, ct);
}
