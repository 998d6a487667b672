using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace AeGrid.Grains.Store;

/// <summary>Attempts: the fencing and the slot ledger.</summary>
public sealed partial class PostgresTrialStore
{
    // ------------------------------------------------------------------ attempts

    public Task<int?> BeginAttemptAsync(string trialId, string silo, TimeSpan lease, CancellationToken ct = default)
    {
        StoreChecks.PositiveLease(lease);
        return InTransactionAsync<int?>(async (connection, tx) =>
        {
            // Lock order: silo, then trial. The silo lock makes "count used slots, then insert" atomic per silo.
            if (await ScalarAsync(connection, tx, "SELECT slots FROM silos WHERE silo = $1 FOR UPDATE", ct, P(silo)).ConfigureAwait(false)
                is not int slots)
                return null; // an unregistered silo has no slots

            string status;
            int attempts;
            await using (var reader = await Command(connection, tx, "SELECT status, attempts FROM trials WHERE id = $1 FOR UPDATE", P(trialId))
                             .ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(ct).ConfigureAwait(false)) throw StoreChecks.NoTrial(trialId);
                status = reader.GetString(0);
                attempts = reader.GetInt32(1);
            }
            if (TrialStatusExtensions.ParseTrialStatus(status).IsFinal()) return null;

            long stillOpen, used;
            await using (var check = new NpgsqlBatch(connection, tx))
            {
                check.BatchCommands.Add(BatchCommand($"""
                    WITH expired AS (
                        UPDATE trial_attempts SET ended_at = now(), outcome = '{AttemptOutcomes.Expired}'
                        WHERE trial_id = $1 AND ended_at IS NULL AND lease_until <= now()
                        RETURNING 1
                    )
                    UPDATE trials SET status = 'pending' WHERE id = $1 AND status = 'running' AND EXISTS (SELECT 1 FROM expired)
                    """, P(trialId)));
                check.BatchCommands.Add(BatchCommand("""
                    SELECT (SELECT count(*) FROM trial_attempts WHERE trial_id = $1 AND ended_at IS NULL),
                           (SELECT count(*) FROM trial_attempts WHERE silo = $2 AND ended_at IS NULL AND lease_until > now())
                    """, P(trialId), P(silo)));
                await using var reader = await check.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(ct).ConfigureAwait(false);
                stillOpen = reader.GetInt64(0);
                used = reader.GetInt64(1);
            }
            if (stillOpen > 0 || used >= slots) return null; // commits the closing of an expired attempt all the same

            var attempt = attempts + 1;
            await using var claim = new NpgsqlBatch(connection, tx);
            claim.BatchCommands.Add(BatchCommand(
                "INSERT INTO trial_attempts (trial_id, attempt, silo, started_at, lease_until) VALUES ($1, $2, $3, now(), now() + $4)",
                P(trialId), P(attempt), P(silo), P(lease)));
            claim.BatchCommands.Add(BatchCommand("""
                UPDATE trials SET status = 'running', silo = $3, attempts = $2, error = NULL, finished_at = NULL,
                    started_at = coalesce(started_at, now())
                WHERE id = $1
                """, P(trialId), P(attempt), P(silo)));
            await claim.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return attempt;
        }, ct);
    }

    public async Task<bool> RenewLeaseAsync(string trialId, int attempt, TimeSpan lease, CancellationToken ct = default)
    {
        StoreChecks.PositiveLease(lease);
        return await ExecAsync(null, null, """
            UPDATE trial_attempts a SET lease_until = now() + $3
            FROM trials t
            WHERE a.trial_id = $1 AND a.attempt = $2 AND a.ended_at IS NULL AND t.id = a.trial_id AND t.attempts = a.attempt
              AND t.status = 'running'
            """, ct, P(trialId), P(attempt), P(lease)).ConfigureAwait(false) == 1;
    }

    public Task<bool> EndAttemptAsync(string trialId, int attempt, TrialStatus status, string? error, string? outcome = null,
        CancellationToken ct = default) =>
        InTransactionAsync(async (connection, tx) =>
        {
            var current = await ScalarAsync(connection, tx, "SELECT attempts FROM trials WHERE id = $1 FOR UPDATE", ct, P(trialId))
                .ConfigureAwait(false) ?? throw StoreChecks.NoTrial(trialId);
            if ((int)current != attempt) return false;

            var ending = outcome ?? status.ToWire();
            await using (var reader = await Command(connection, tx,
                             "SELECT ended_at IS NOT NULL, outcome FROM trial_attempts WHERE trial_id = $1 AND attempt = $2", P(trialId), P(attempt))
                             .ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return false;
                if (reader.GetBoolean(0))
                    // Already closed: a retried call that had succeeded is still a success; anything else was fenced out.
                    return !reader.IsDBNull(1) && reader.GetString(1) == ending;
            }

            await using var end = new NpgsqlBatch(connection, tx);
            end.BatchCommands.Add(BatchCommand("UPDATE trial_attempts SET ended_at = now(), outcome = $3 WHERE trial_id = $1 AND attempt = $2",
                P(trialId), P(attempt), P(ending)));
            // $5: whether this ending replaces a cancel the sweep made while the attempt ran (TrialStatusRules).
            end.BatchCommands.Add(BatchCommand("""
                UPDATE trials SET status = $2, error = $3, finished_at = CASE WHEN $4 THEN now() END
                WHERE id = $1 AND (status <> 'cancelled' OR $5)
                """, P(trialId), P(status.ToWire()), P(error), P(status.IsFinal()), P(TrialStatusRules.EndingReplacesCancel(status))));
            await end.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, ct);

    public Task<IReadOnlyList<string>> AbandonAttemptsOfSiloAsync(string silo, CancellationToken ct = default) =>
        InTransactionAsync<IReadOnlyList<string>>(async (connection, tx) =>
        {
            // Same lock order as BeginAttemptAsync: the silo, then its trials by id.
            await ExecAsync(connection, tx, "SELECT 1 FROM silos WHERE silo = $1 FOR UPDATE", ct, P(silo)).ConfigureAwait(false);
            await ExecAsync(connection, tx, """
                SELECT id FROM trials
                WHERE id IN (SELECT trial_id FROM trial_attempts WHERE silo = $1 AND ended_at IS NULL)
                ORDER BY id FOR UPDATE
                """, ct, P(silo)).ConfigureAwait(false);

            var requeued = new List<string>();
            await using var reader = await Command(connection, tx, $"""
                WITH closed AS (
                    UPDATE trial_attempts SET ended_at = now(), outcome = '{AttemptOutcomes.SiloDead}'
                    WHERE silo = $1 AND ended_at IS NULL
                    RETURNING trial_id, attempt
                )
                UPDATE trials t SET status = 'pending'
                FROM closed c
                WHERE t.id = c.trial_id AND t.attempts = c.attempt AND t.status = 'running'
                RETURNING t.id
                """, P(silo)).ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) requeued.Add(reader.GetString(0));
            requeued.Sort(StringComparer.Ordinal);
            return requeued;
        }, ct);

    public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string trialId, CancellationToken ct = default) =>
        QueryListAsync("""
            SELECT trial_id, attempt, silo, started_at, ended_at, lease_until, outcome, first_batch_at
            FROM trial_attempts WHERE trial_id = $1 ORDER BY attempt
            """,
            r => new AttemptRecord(r.GetString(0), r.GetInt32(1), r.GetString(2), Time(r, 3), NullableTime(r, 4), Time(r, 5),
                NullableString(r, 6), NullableTime(r, 7)),
            ct, P(trialId));

    public async Task RecordFirstBatchAsync(string trialId, int attempt, CancellationToken ct = default)
    {
        var stamped = await ExecAsync(null, null, $"""
            UPDATE trial_attempts SET first_batch_at = now()
            WHERE trial_id = $1 AND attempt = $2 AND first_batch_at IS NULL AND {IsCurrentWriter("$1", "$2")}
            """, ct, P(trialId), P(attempt)).ConfigureAwait(false);
        // Nothing stamped: already stamped, or fenced out (both fine), or no such trial (an error, as for other writes).
        if (stamped == 0 && await ScalarAsync(null, null, "SELECT 1 FROM trials WHERE id = $1", ct, P(trialId)).ConfigureAwait(false) is null)
            throw StoreChecks.NoTrial(trialId);
    }

    public Task RegisterSiloAsync(string silo, string deviceKind, int slots, CancellationToken ct = default)
    {
        StoreChecks.SiloRegistration(silo, deviceKind, slots);
        return ExecAsync(null, null, """
            INSERT INTO silos (silo, device_kind, slots, registered_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (silo) DO UPDATE SET device_kind = EXCLUDED.device_kind, slots = EXCLUDED.slots, registered_at = EXCLUDED.registered_at
            """, ct, P(silo), P(deviceKind), P(slots));
    }

    public Task UnregisterSiloAsync(string silo, CancellationToken ct = default) =>
        ExecAsync(null, null, "DELETE FROM silos WHERE silo = $1", ct, P(silo));

    public Task<IReadOnlyList<SiloSlots>> GetSlotLedgerAsync(CancellationToken ct = default) =>
        QueryListAsync("""
            SELECT s.silo, s.device_kind, s.slots, count(a.trial_id)::integer
            FROM silos s
            LEFT JOIN trial_attempts a ON a.silo = s.silo AND a.ended_at IS NULL AND a.lease_until > now()
            GROUP BY s.silo
            ORDER BY s.silo
            """, r => new SiloSlots(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3)), ct);
}
