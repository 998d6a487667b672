using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>
/// Attempts: who may run a trial and who may still write for it (fencing), and how many trials run on each silo (the
/// slot ledger). The one place these rules are written, for every database.
/// </summary>
/// <remarks>
/// Concurrency: on PostgreSQL, claims serialise on row locks taken in one order everywhere — the silo's row, then trial
/// rows by id — so slot counts and the one-open-attempt rule hold across processes without deadlocks; on SQLite one
/// writer holds the database, and the lock statements are skipped. Lease times are the store's clock
/// (<see cref="StoreDialect.Now"/>): on PostgreSQL the database's, so silos with skewed clocks still agree on who holds a lease.
/// </remarks>
internal sealed class AttemptLedger(IStoreSessions db)
{
    /// <summary>
    /// SQL that is true when <paramref name="attempt"/> may write for <paramref name="trial"/>: it is the trial's latest
    /// attempt, and that attempt is open or was closed by its own owner (not expired, not abandoned with its silo, not
    /// exploited). Epoch rows, checkpoints, snapshots and the first-batch stamp of any other attempt are dropped.
    /// </summary>
    public static string IsCurrentWriter(string trial, string attempt) => $"""
        EXISTS (SELECT 1 FROM trials t JOIN trial_attempts a ON a.trial_id = t.id AND a.attempt = t.attempts
                WHERE t.id = {trial} AND t.attempts = {attempt}
                  AND (a.ended_at IS NULL OR a.outcome NOT IN ({AttemptOutcomes.FencedOutSqlList})))
        """;

    private StoreDialect D => db.Dialect;

    public Task<int?> BeginAsync(string trialId, string silo, TimeSpan lease, string? pack, CancellationToken ct)
    {
        StoreChecks.PositiveLease(lease);
        return db.WriteAsync<int?>(async s =>
        {
            // Lock order: silo, then trial. The silo lock makes "count used slots, then insert" atomic per silo.
            if (await s.ScalarAsync($"SELECT slots FROM silos WHERE silo = @silo{D.ForUpdate}", ct, ("@silo", silo)).ConfigureAwait(false)
                is not { } registered)
                return null; // an unregistered silo has no slots
            var slots = Convert.ToInt64(registered);

            var (status, attempts) = await s.SingleAsync($"SELECT status, attempts FROM trials WHERE id = @id{D.ForUpdate}",
                r => new TrialState(r.GetString(0), r.GetInt32(1)), ct, ("@id", trialId)).ConfigureAwait(false)
                ?? throw StoreChecks.NoTrial(trialId);
            if (TrialStatusExtensions.ParseTrialStatus(status).IsFinal()) return null;

            // An attempt whose lease ran out is closed, and its trial goes back to pending, whatever happens next.
            var expired = await s.ExecAsync($"""
                UPDATE trial_attempts SET ended_at = {D.Now}, outcome = '{AttemptOutcomes.Expired}'
                WHERE trial_id = @id AND ended_at IS NULL AND lease_until <= {D.Now}
                """, ct, ("@id", trialId)).ConfigureAwait(false);
            if (expired > 0)
                await s.ExecAsync("UPDATE trials SET status = 'pending' WHERE id = @id AND status = 'running'", ct, ("@id", trialId))
                    .ConfigureAwait(false);

            // Slots hold packs: a pack member whose pack already trains here rides in that slot (PackMigrations).
            var (stillOpen, used, packHere) = (await s.ListAsync($"""
                SELECT (SELECT count(*) FROM trial_attempts WHERE trial_id = @id AND ended_at IS NULL),
                       (SELECT count(DISTINCT {PackMigrations.SlotOf("a")}) FROM trial_attempts a
                        WHERE a.silo = @silo AND a.ended_at IS NULL AND a.lease_until > {D.Now}),
                       (SELECT count(*) FROM trial_attempts
                        WHERE silo = @silo AND pack = @pack AND ended_at IS NULL AND lease_until > {D.Now})
                """, r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)), ct, ("@id", trialId), ("@silo", silo), ("@pack", pack))
                .ConfigureAwait(false))[0];
            if (stillOpen > 0 || (used >= slots && packHere == 0)) return null; // commits the closing of an expired attempt all the same

            var attempt = attempts + 1;
            await s.ExecAsync($"""
                INSERT INTO trial_attempts (trial_id, attempt, silo, started_at, lease_until, pack)
                VALUES (@id, @attempt, @silo, {D.Now}, {D.LeaseEnd}, @pack)
                """, ct, ("@id", trialId), ("@attempt", attempt), ("@silo", silo), ("@lease", s.Lease(lease)), ("@pack", pack))
                .ConfigureAwait(false);
            await s.ExecAsync($"""
                UPDATE trials SET status = 'running', silo = @silo, attempts = @attempt, error = NULL, finished_at = NULL,
                    started_at = coalesce(started_at, {D.Now})
                WHERE id = @id
                """, ct, ("@id", trialId), ("@attempt", attempt), ("@silo", silo)).ConfigureAwait(false);
            return attempt;
        }, ct);
    }

    public Task<bool> RenewAsync(string trialId, int attempt, TimeSpan lease, CancellationToken ct)
    {
        StoreChecks.PositiveLease(lease);
        // Only the trial's current, open attempt of a running trial: a cancelled trial's owner learns it here.
        return db.WriteAsync(async s => await s.ExecAsync($"""
            UPDATE trial_attempts SET lease_until = {D.LeaseEnd}
            WHERE trial_id = @id AND attempt = @attempt AND ended_at IS NULL
              AND attempt = (SELECT attempts FROM trials WHERE id = @id AND status = 'running')
            """, ct, ("@id", trialId), ("@attempt", attempt), ("@lease", s.Lease(lease))).ConfigureAwait(false) == 1, ct);
    }

    public Task<bool> EndAsync(string trialId, int attempt, TrialStatus status, string? error, string? outcome, CancellationToken ct) =>
        db.WriteAsync(async s =>
        {
            var current = await s.ScalarAsync($"SELECT attempts FROM trials WHERE id = @id{D.ForUpdate}", ct, ("@id", trialId))
                .ConfigureAwait(false) ?? throw StoreChecks.NoTrial(trialId);
            if (Convert.ToInt32(current) != attempt) return false; // a later attempt took over: this one is fenced out

            var ending = outcome ?? status.ToWire();
            var closed = await s.SingleAsync("SELECT ended_at IS NOT NULL, outcome FROM trial_attempts WHERE trial_id = @id AND attempt = @attempt",
                r => new AttemptState(r.GetBoolean(0), StoreRows.NullableString(r, 1)), ct, ("@id", trialId), ("@attempt", attempt))
                .ConfigureAwait(false);
            if (closed is null) return false;
            if (closed.Ended)
                // Already closed: a retried call that had succeeded is still a success; anything else was fenced out.
                return closed.Outcome == ending;

            await s.ExecAsync($"UPDATE trial_attempts SET ended_at = {D.Now}, outcome = @outcome WHERE trial_id = @id AND attempt = @attempt",
                ct, ("@id", trialId), ("@attempt", attempt), ("@outcome", ending)).ConfigureAwait(false);
            // @replaces: whether this ending replaces a cancel the sweep made while the attempt ran (TrialStatusRules).
            await s.ExecAsync($"""
                UPDATE trials SET status = @status, error = @error, finished_at = CASE WHEN @final THEN {D.Now} END
                WHERE id = @id AND (status <> 'cancelled' OR @replaces)
                """, ct, ("@id", trialId), ("@status", status.ToWire()), ("@error", error), ("@final", status.IsFinal()),
                ("@replaces", TrialStatusRules.EndingReplacesCancel(status))).ConfigureAwait(false);
            return true;
        }, ct);

    public Task<IReadOnlyList<string>> AbandonSiloAsync(string silo, CancellationToken ct) =>
        db.WriteAsync<IReadOnlyList<string>>(async s =>
        {
            // Same lock order as BeginAsync: the silo, then its trials by id.
            await s.LockAsync("SELECT 1 FROM silos WHERE silo = @silo", ct, ("@silo", silo)).ConfigureAwait(false);
            await s.LockAsync("""
                SELECT id FROM trials
                WHERE id IN (SELECT trial_id FROM trial_attempts WHERE silo = @silo AND ended_at IS NULL)
                ORDER BY id
                """, ct, ("@silo", silo)).ConfigureAwait(false);

            var open = await s.ListAsync("SELECT trial_id, attempt FROM trial_attempts WHERE silo = @silo AND ended_at IS NULL",
                r => (TrialId: r.GetString(0), Attempt: r.GetInt32(1)), ct, ("@silo", silo)).ConfigureAwait(false);
            await s.ExecAsync($"UPDATE trial_attempts SET ended_at = {D.Now}, outcome = '{AttemptOutcomes.SiloDead}' WHERE silo = @silo AND ended_at IS NULL",
                ct, ("@silo", silo)).ConfigureAwait(false);
            // Only a trial whose current attempt died with the silo goes back to pending.
            return await RequeueAsync(s, open, "UPDATE trials SET status = 'pending' WHERE id = @id AND attempts = @attempt AND status = 'running'", ct)
                .ConfigureAwait(false);
        }, ct);

    public Task<IReadOnlyList<string>> ExpireLeasesAsync(string sweepId, CancellationToken ct) =>
        db.WriteAsync<IReadOnlyList<string>>(async s =>
        {
            // Trials before their attempts, in id order: the lock order of BeginAsync and EndAsync.
            await s.LockAsync($"""
                SELECT id FROM trials
                WHERE sweep_id = @sweep AND id IN (SELECT trial_id FROM trial_attempts WHERE ended_at IS NULL AND lease_until <= {D.Now})
                ORDER BY id
                """, ct, ("@sweep", sweepId)).ConfigureAwait(false);
            // Only the trial's current attempt decides its status; an older open attempt is closed all the same.
            var expired = await s.ListAsync($"""
                SELECT t.id, t.attempts FROM trials t JOIN trial_attempts a ON a.trial_id = t.id AND a.attempt = t.attempts
                WHERE t.sweep_id = @sweep AND t.status = 'running' AND a.ended_at IS NULL AND a.lease_until <= {D.Now}
                """, r => (TrialId: r.GetString(0), Attempt: r.GetInt32(1)), ct, ("@sweep", sweepId)).ConfigureAwait(false);
            await s.ExecAsync($"""
                UPDATE trial_attempts SET ended_at = {D.Now}, outcome = '{AttemptOutcomes.Expired}'
                WHERE ended_at IS NULL AND lease_until <= {D.Now} AND trial_id IN (SELECT id FROM trials WHERE sweep_id = @sweep)
                """, ct, ("@sweep", sweepId)).ConfigureAwait(false);
            // The error makes the next admission avoid that silo when another has room (it may be frozen).
            return await RequeueAsync(s, expired,
                "UPDATE trials SET status = 'pending', error = 'its lease ran out on ' || silo WHERE id = @id AND attempts = @attempt", ct)
                .ConfigureAwait(false);
        }, ct);

    /// <summary>Runs <paramref name="update"/> for each closed attempt; returns the trials it changed, in id order.</summary>
    private static async Task<IReadOnlyList<string>> RequeueAsync(StoreSession s, IEnumerable<(string TrialId, int Attempt)> closed,
        string update, CancellationToken ct)
    {
        var requeued = new List<string>();
        await using var command = s.Command(update, ("@id", ""), ("@attempt", 0));
        foreach (var (trialId, attempt) in closed)
        {
            StoreSession.Set(command, "@id", trialId);
            StoreSession.Set(command, "@attempt", attempt);
            if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1) requeued.Add(trialId);
        }
        requeued.Sort(StringComparer.Ordinal);
        return requeued;
    }

    public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string trialId, CancellationToken ct) =>
        db.ReadAsync<IReadOnlyList<AttemptRecord>>(async s => await s.ListAsync($"{StoreRows.SelectAttempt} WHERE trial_id = @id ORDER BY attempt",
            r => StoreRows.Attempt(D, r), ct, ("@id", trialId)).ConfigureAwait(false), ct);

    public Task RecordFirstBatchAsync(string trialId, int attempt, CancellationToken ct) =>
        db.WriteAsync(async s =>
        {
            var stamped = await s.ExecAsync($"""
                UPDATE trial_attempts SET first_batch_at = {D.Now}
                WHERE trial_id = @id AND attempt = @attempt AND first_batch_at IS NULL AND {IsCurrentWriter("@id", "@attempt")}
                """, ct, ("@id", trialId), ("@attempt", attempt)).ConfigureAwait(false);
            // Nothing stamped: already stamped, or fenced out (both fine), or no such trial (an error, as for other writes).
            if (stamped == 0 && !await s.ExistsAsync("SELECT 1 FROM trials WHERE id = @id", ct, ("@id", trialId)).ConfigureAwait(false))
                throw StoreChecks.NoTrial(trialId);
            return stamped;
        }, ct);

    public Task RegisterSiloAsync(string silo, string deviceKind, int slots, CancellationToken ct)
    {
        StoreChecks.SiloRegistration(silo, deviceKind, slots);
        return db.WriteAsync(s => s.ExecAsync($"""
            INSERT INTO silos (silo, device_kind, slots, registered_at) VALUES (@silo, @kind, @slots, {D.Now})
            ON CONFLICT (silo) DO UPDATE SET device_kind = excluded.device_kind, slots = excluded.slots, registered_at = excluded.registered_at
            """, ct, ("@silo", silo), ("@kind", deviceKind), ("@slots", slots)), ct);
    }

    public Task UnregisterSiloAsync(string silo, CancellationToken ct) =>
        db.WriteAsync(s => s.ExecAsync("DELETE FROM silos WHERE silo = @silo", ct, ("@silo", silo)), ct);

    public Task<IReadOnlyList<SiloSlots>> GetSlotLedgerAsync(CancellationToken ct) =>
        db.ReadAsync<IReadOnlyList<SiloSlots>>(async s => await s.ListAsync($"""
            SELECT s.silo, s.device_kind, s.slots, CAST(count(DISTINCT {PackMigrations.SlotOf("a")}) AS integer)
            FROM silos s
            LEFT JOIN trial_attempts a ON a.silo = s.silo AND a.ended_at IS NULL AND a.lease_until > {D.Now}
            GROUP BY s.silo, s.device_kind, s.slots
            ORDER BY s.silo
            """, r => new SiloSlots(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3)), ct).ConfigureAwait(false), ct);

    private sealed record TrialState(string Status, int Attempts);

    private sealed record AttemptState(bool Ended, string? Outcome);
}
