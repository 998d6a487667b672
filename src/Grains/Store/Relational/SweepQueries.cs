using System.Data.Common;
using AeGrid.Abstractions;
using AeGrid.Grains.Placement;

namespace AeGrid.Grains.Store;

/// <summary>Sweeps: creating one (with its trials, and a fork's warm start), its state, its budget, deleting it.</summary>
internal sealed class SweepQueries(IStoreSessions db)
{
    private const string RunningNameConstraint = "sweeps_running_name";

    private StoreDialect D => db.Dialect;

    /// <summary>The sweep row, its trials and (for a fork) its warm start, in one transaction.</summary>
    public async Task CreateAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, WarmStart? warmStart, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        StoreChecks.TrialsBelongTo(sweep.Id, trials);
        try
        {
            await db.WriteAsync(async s =>
            {
                if (await s.ExistsAsync("SELECT 1 FROM sweeps WHERE id = @id", ct, ("@id", sweep.Id)).ConfigureAwait(false))
                    throw new InvalidOperationException($"a sweep with id '{sweep.Id}' already exists");
                if (sweep.State == SweepState.Running)
                    await ThrowIfRunningNameTakenAsync(s, sweep.Name, exceptId: null, ct).ConfigureAwait(false);

                await s.ExecAsync("""
                    INSERT INTO sweeps (id, name, state, spec_text, metric, maximize, created_at, finished_at, device,
                                        forked_from_sweep, forked_from_trial, fuse)
                    VALUES (@id, @name, @state, @spec, @metric, @maximize, @created, @finished, @device, @forkedSweep, @forkedTrial, @fuse)
                    """, ct, ("@id", sweep.Id), ("@name", sweep.Name), ("@state", sweep.State.ToWire()), ("@spec", sweep.SpecText),
                    ("@metric", sweep.Metric), ("@maximize", sweep.Maximize), ("@created", D.Time(sweep.CreatedAt)),
                    ("@finished", sweep.FinishedAt is { } f ? D.Time(f) : null), ("@device", sweep.Device.ToWire()),
                    ("@forkedSweep", sweep.ForkedFrom?.SweepId), ("@forkedTrial", sweep.ForkedFrom?.TrialId), ("@fuse", sweep.Fuse))
                    .ConfigureAwait(false);
                await D.InsertTrialsAsync(s, trials, ct).ConfigureAwait(false);
                if (warmStart is not null)
                    await s.ExecAsync("INSERT INTO warm_starts (sweep_id, source_epoch, weights, created_at) VALUES (@id, @epoch, @weights, @created)",
                        ct, ("@id", warmStart.SweepId), ("@epoch", warmStart.SourceEpoch), ("@weights", warmStart.Weights),
                        ("@created", D.Time(warmStart.CreatedAt))).ConfigureAwait(false);
                return 0;
            }, ct).ConfigureAwait(false);
        }
        catch (DbException e) when (D.IsUniqueViolation(e, RunningNameConstraint))
        {
            // Another process created a running sweep of this name between our check and our insert.
            throw await RunningNameTakenAsync(sweep.Name, ct).ConfigureAwait(false);
        }
    }

    public Task<SweepRecord?> GetAsync(string sweepId, CancellationToken ct) =>
        db.ReadAsync(s => s.SingleAsync($"{StoreRows.SelectSweep} WHERE id = @id", r => StoreRows.Sweep(D, r), ct, ("@id", sweepId)), ct);

    public Task<IReadOnlyList<SweepRecord>> ListAsync(CancellationToken ct) =>
        db.ReadAsync<IReadOnlyList<SweepRecord>>(async s =>
            await s.ListAsync($"{StoreRows.SelectSweep} ORDER BY created_at, id", r => StoreRows.Sweep(D, r), ct).ConfigureAwait(false), ct);

    public async Task SetStateAsync(string sweepId, SweepState state, CancellationToken ct)
    {
        string? name = null;
        try
        {
            await db.WriteAsync(async s =>
            {
                name = await s.ScalarAsync($"SELECT name FROM sweeps WHERE id = @id{D.ForUpdate}", ct, ("@id", sweepId)).ConfigureAwait(false) as string
                       ?? throw StoreChecks.NoSweep(sweepId);
                if (state == SweepState.Running) await ThrowIfRunningNameTakenAsync(s, name, exceptId: sweepId, ct).ConfigureAwait(false);
                // Setting the state it already has keeps its finished_at: the write is idempotent.
                return await s.ExecAsync($"""
                    UPDATE sweeps SET finished_at = CASE WHEN state = @state THEN finished_at WHEN @state = 'running' THEN NULL ELSE {D.Now} END,
                                      state = @state
                    WHERE id = @id
                    """, ct, ("@id", sweepId), ("@state", state.ToWire())).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (DbException e) when (D.IsUniqueViolation(e, RunningNameConstraint))
        {
            throw await RunningNameTakenAsync(name ?? sweepId, ct).ConfigureAwait(false);
        }
    }

    public Task AddTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, CancellationToken ct)
    {
        StoreChecks.TrialsBelongTo(sweepId, trials);
        return db.WriteAsync(async s =>
        {
            await ThrowIfNoSweepAsync(s, sweepId, ct).ConfigureAwait(false);
            await D.InsertTrialsAsync(s, trials, ct).ConfigureAwait(false);
            return 0;
        }, ct);
    }

    /// <summary>Deletes a finished sweep: the schema's ON DELETE CASCADE takes its trials, attempts, epochs, checkpoints,
    /// models and warm start.</summary>
    public Task<SweepDeletion> DeleteAsync(string sweepId, CancellationToken ct) =>
        db.WriteAsync(async s =>
        {
            // The state read here holds until the delete commits (a row lock, or SQLite's one writer): a retry or extend
            // cannot restart the sweep meanwhile.
            var state = await s.ScalarAsync($"SELECT state FROM sweeps WHERE id = @id{D.ForUpdate}", ct, ("@id", sweepId)).ConfigureAwait(false) as string;
            if (state is null) return SweepDeletion.NotFound;
            if (state == SweepState.Running.ToWire()) return SweepDeletion.Running;
            await s.ExecAsync("DELETE FROM sweeps WHERE id = @id", ct, ("@id", sweepId)).ConfigureAwait(false);
            return SweepDeletion.Deleted;
        }, ct);

    public Task<WarmStart?> GetWarmStartAsync(string sweepId, CancellationToken ct) =>
        db.ReadAsync(s => s.SingleAsync("SELECT sweep_id, source_epoch, weights, created_at FROM warm_starts WHERE sweep_id = @id",
            r => new WarmStart(r.GetString(0), r.GetInt32(1), (byte[])r.GetValue(2), D.ReadTime(r, 3)), ct, ("@id", sweepId)), ct);

    public Task<int?> GetTrialBudgetAsync(string sweepId, CancellationToken ct) =>
        db.ReadAsync(async s => await s.ScalarAsync("SELECT trial_budget FROM sweeps WHERE id = @id", ct, ("@id", sweepId)).ConfigureAwait(false)
            is { } budget ? Convert.ToInt32(budget) : (int?)null, ct);

    public Task SetTrialBudgetAsync(string sweepId, int budget, CancellationToken ct) =>
        db.WriteAsync(async s => await s.ExecAsync("UPDATE sweeps SET trial_budget = @budget WHERE id = @id", ct,
            ("@id", sweepId), ("@budget", budget)).ConfigureAwait(false) == 0 ? throw StoreChecks.NoSweep(sweepId) : 0, ct);

    public static async Task ThrowIfNoSweepAsync(StoreSession s, string sweepId, CancellationToken ct, string lockRows = "")
    {
        if (!await s.ExistsAsync($"SELECT 1 FROM sweeps WHERE id = @id{lockRows}", ct, ("@id", sweepId)).ConfigureAwait(false))
            throw StoreChecks.NoSweep(sweepId);
    }

    private static async Task ThrowIfRunningNameTakenAsync(StoreSession s, string name, string? exceptId, CancellationToken ct)
    {
        // "" is no sweep's id: with no exception, every running sweep of the name counts.
        if (await s.ScalarAsync("SELECT id FROM sweeps WHERE name = @name AND state = 'running' AND id <> @except", ct,
                ("@name", name), ("@except", exceptId ?? "")).ConfigureAwait(false) is string existing)
            throw new DuplicateSweepException(name, existing);
    }

    private async Task<DuplicateSweepException> RunningNameTakenAsync(string name, CancellationToken ct)
    {
        var existing = await db.ReadAsync(s => s.ScalarAsync("SELECT id FROM sweeps WHERE name = @name AND state = 'running'", ct, ("@name", name)), ct)
            .ConfigureAwait(false);
        return new DuplicateSweepException(name, existing as string ?? "(unknown)");
    }
}
