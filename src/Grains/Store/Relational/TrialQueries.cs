using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>Trials: reading them, the sweep's own decisions about them (status, keep, cancel, retry) and their proposals.</summary>
internal sealed class TrialQueries(IStoreSessions db)
{
    private StoreDialect D => db.Dialect;

    public Task<IReadOnlyList<TrialRecord>> GetAllAsync(string sweepId, CancellationToken ct) =>
        db.ReadAsync<IReadOnlyList<TrialRecord>>(async s => await s.ListAsync($"{StoreRows.SelectTrial} WHERE sweep_id = @sweep ORDER BY number",
            r => StoreRows.Trial(D, r), ct, ("@sweep", sweepId)).ConfigureAwait(false), ct);

    public Task<TrialRecord?> GetAsync(string trialId, CancellationToken ct) =>
        db.ReadAsync(s => s.SingleAsync($"{StoreRows.SelectTrial} WHERE id = @id", r => StoreRows.Trial(D, r), ct, ("@id", trialId)), ct);

    // The next two are set-based reads that keep the sweep grain's view and `sweep list` cheap however many trials a sweep has.

    public Task<IReadOnlyList<TrialRecord>> GetSomeAsync(string sweepId, IReadOnlyCollection<string> trialIds, CancellationToken ct) =>
        trialIds.Count == 0
            ? Task.FromResult<IReadOnlyList<TrialRecord>>([])
            : db.ReadAsync<IReadOnlyList<TrialRecord>>(async s => await s.ListAsync(
                $"{StoreRows.SelectTrial} WHERE sweep_id = @sweep AND {D.IdIn("id", "@ids")} ORDER BY number",
                r => StoreRows.Trial(D, r), ct, ("@sweep", sweepId), ("@ids", D.IdList(trialIds))).ConfigureAwait(false), ct);

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<TrialStatus, int>>> CountByStatusAsync(CancellationToken ct) =>
        db.ReadAsync(async s => StoreWire.CountsBySweep(await s.ListAsync(
            "SELECT sweep_id, status, CAST(count(*) AS integer) FROM trials GROUP BY sweep_id, status",
            r => (Sweep: r.GetString(0), Status: TrialStatusExtensions.ParseTrialStatus(r.GetString(1)), Count: r.GetInt32(2)), ct)
            .ConfigureAwait(false)), ct);

    public Task SetStatusAsync(string trialId, TrialStatus status, string? error, CancellationToken ct) =>
        db.WriteAsync(async s =>
        {
            // A final status set again keeps its finished_at: the write is idempotent.
            var changed = await s.ExecAsync($"""
                UPDATE trials SET status = @status, error = @error,
                    finished_at = CASE WHEN @final THEN coalesce(CASE WHEN status = @status THEN finished_at END, {D.Now}) END,
                    finish_seq = CASE WHEN @final THEN finish_seq END
                WHERE id = @id
                """, ct, ("@id", trialId), ("@status", status.ToWire()), ("@error", error), ("@final", status.IsFinal())).ConfigureAwait(false);
            return changed == 0 ? throw StoreChecks.NoTrial(trialId) : changed;
        }, ct);

    public Task SetKeptAsync(string sweepId, IReadOnlyCollection<string> keptTrialIds, CancellationToken ct) =>
        db.WriteAsync(async s =>
        {
            await SweepQueries.ThrowIfNoSweepAsync(s, sweepId, ct).ConfigureAwait(false);
            await s.ExecAsync("UPDATE trials SET kept = @no WHERE sweep_id = @sweep AND kept = @yes", ct,
                ("@sweep", sweepId), ("@no", false), ("@yes", true)).ConfigureAwait(false);
            await using var keep = s.Command("UPDATE trials SET kept = @yes WHERE sweep_id = @sweep AND id = @id",
                ("@sweep", sweepId), ("@id", ""), ("@yes", true));
            foreach (var trialId in keptTrialIds.Distinct())
            {
                StoreSession.Set(keep, "@id", trialId);
                if (await keep.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0) // the whole change rolls back
                    throw new ArgumentException($"trial '{trialId}' is not in sweep '{sweepId}'", nameof(keptTrialIds));
            }
            return 0;
        }, ct);

    public Task<IReadOnlyList<string>> CancelAsync(string sweepId, string reason, CancellationToken ct) =>
        db.WriteAsync<IReadOnlyList<string>>(async s =>
        {
            // Lock the trials in id order first, as every other write that touches several trials does; then what we
            // read here is what we change (on SQLite, one writer at a time gives the same).
            await s.LockAsync("SELECT id FROM trials WHERE sweep_id = @sweep AND status IN ('pending', 'running') ORDER BY id", ct,
                ("@sweep", sweepId)).ConfigureAwait(false);
            var wasRunning = await s.ListAsync("SELECT id FROM trials WHERE sweep_id = @sweep AND status = 'running'", r => r.GetString(0), ct,
                ("@sweep", sweepId)).ConfigureAwait(false);
            await s.ExecAsync($"""
                UPDATE trials SET status = 'cancelled', error = @reason, finished_at = {D.Now}
                WHERE sweep_id = @sweep AND status IN ('pending', 'running')
                """, ct, ("@sweep", sweepId), ("@reason", reason)).ConfigureAwait(false);
            wasRunning.Sort(StringComparer.Ordinal);
            return wasRunning;
        }, ct);

    public Task<int> RetryFailedAsync(string sweepId, CancellationToken ct) =>
        db.WriteAsync(s => s.ExecAsync(
            "UPDATE trials SET status = 'pending', error = NULL, finished_at = NULL, finish_seq = NULL WHERE sweep_id = @sweep AND status = 'failed'",
            ct, ("@sweep", sweepId)), ct);

    // ---- proposals: what a learning sampler saw (ProposalMigrations)

    public Task<long> StampFinishedAsync(string sweepId, CancellationToken ct) =>
        db.WriteAsync(async s =>
        {
            // The sweep's row lock: two stamps of one sweep take turns, so each number is handed out once.
            await SweepQueries.ThrowIfNoSweepAsync(s, sweepId, ct, D.ForUpdate).ConfigureAwait(false);
            var highest = Convert.ToInt64(await s.ScalarAsync("SELECT coalesce(max(finish_seq), 0) FROM trials WHERE sweep_id = @sweep", ct,
                ("@sweep", sweepId)).ConfigureAwait(false));
            var stamped = await s.ExecAsync($"""
                UPDATE trials SET finish_seq = @next
                WHERE sweep_id = @sweep AND finish_seq IS NULL AND status IN {ProposalMigrations.FinalStatuses}
                """, ct, ("@sweep", sweepId), ("@next", highest + 1)).ConfigureAwait(false);
            return stamped > 0 ? highest + 1 : highest;
        }, ct);

    public Task AddProposedAsync(string sweepId, IReadOnlyList<TrialConfig> trials, long proposalBasis, CancellationToken ct)
    {
        StoreChecks.TrialsBelongTo(sweepId, trials);
        return db.WriteAsync(async s =>
        {
            await SweepQueries.ThrowIfNoSweepAsync(s, sweepId, ct).ConfigureAwait(false);
            await D.InsertTrialsAsync(s, trials, ct).ConfigureAwait(false);
            return await s.ExecAsync($"UPDATE trials SET proposal_basis = @basis WHERE {D.IdIn("id", "@ids")} AND proposal_basis IS NULL", ct,
                ("@basis", proposalBasis), ("@ids", D.IdList([.. trials.Select(t => t.TrialId)]))).ConfigureAwait(false);
        }, ct);
    }

    public Task<IReadOnlyList<TrialProposalRecord>> GetProposalHistoryAsync(string sweepId, CancellationToken ct) =>
        db.ReadAsync<IReadOnlyList<TrialProposalRecord>>(async s => await s.ListAsync(
            "SELECT id, number, finish_seq, proposal_basis FROM trials WHERE sweep_id = @sweep ORDER BY number",
            r => new TrialProposalRecord(r.GetString(0), r.GetInt32(1), StoreRows.NullableLong(r, 2), StoreRows.NullableLong(r, 3)), ct,
            ("@sweep", sweepId)).ConfigureAwait(false), ct);
}
