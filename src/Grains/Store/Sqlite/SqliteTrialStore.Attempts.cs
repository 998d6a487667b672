using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>Attempts: the fencing and the slot ledger.</summary>
public sealed partial class SqliteTrialStore
{
    // ------------------------------------------------------------------ attempts

    public Task<int?> BeginAttemptAsync(string trialId, string silo, TimeSpan lease, CancellationToken ct = default)
    {
        StoreChecks.PositiveLease(lease);
        return WriteAsync<int?>((connection, tx) =>
        {
            if (Scalar(connection, tx, "SELECT slots FROM silos WHERE silo = $silo", ("$silo", silo)) is not long slots)
                return null; // an unregistered silo has no slots

            string status;
            int attempts;
            using (var reader = Command(connection, tx, "SELECT status, attempts FROM trials WHERE id = $id", ("$id", trialId)).ExecuteReader())
            {
                if (!reader.Read()) throw StoreChecks.NoTrial(trialId);
                status = reader.GetString(0);
                attempts = reader.GetInt32(1);
            }
            if (TrialStatusExtensions.ParseTrialStatus(status).IsFinal()) return null;

            var now = Now();
            var expired = Exec(connection, tx, $"""
                UPDATE trial_attempts SET ended_at = $now, outcome = '{AttemptOutcomes.Expired}'
                WHERE trial_id = $id AND ended_at IS NULL AND lease_until <= $now
                """, ("$id", trialId), ("$now", now));
            if (expired > 0)
                Exec(connection, tx, "UPDATE trials SET status = 'pending' WHERE id = $id AND status = 'running'", ("$id", trialId));

            var stillOpen = (long)Scalar(connection, tx, "SELECT count(*) FROM trial_attempts WHERE trial_id = $id AND ended_at IS NULL",
                ("$id", trialId))!;
            if (stillOpen > 0) return null;

            var used = (long)Scalar(connection, tx,
                "SELECT count(*) FROM trial_attempts WHERE silo = $silo AND ended_at IS NULL AND lease_until > $now",
                ("$silo", silo), ("$now", now))!;
            if (used >= slots) return null;

            var attempt = attempts + 1;
            Exec(connection, tx, """
                INSERT INTO trial_attempts (trial_id, attempt, silo, started_at, lease_until) VALUES ($id, $attempt, $silo, $now, $until)
                """,
                ("$id", trialId), ("$attempt", attempt), ("$silo", silo), ("$now", now), ("$until", Now(lease)));
            Exec(connection, tx, """
                UPDATE trials SET status = 'running', silo = $silo, attempts = $attempt, error = NULL, finished_at = NULL,
                    started_at = coalesce(started_at, $now)
                WHERE id = $id
                """, ("$id", trialId), ("$attempt", attempt), ("$silo", silo), ("$now", now));
            return attempt;
        }, ct);
    }

    public Task<bool> RenewLeaseAsync(string trialId, int attempt, TimeSpan lease, CancellationToken ct = default)
    {
        StoreChecks.PositiveLease(lease);
        return WriteAsync((connection, tx) => Exec(connection, tx, """
            UPDATE trial_attempts SET lease_until = $until
            WHERE trial_id = $id AND attempt = $attempt AND ended_at IS NULL
              AND attempt = (SELECT attempts FROM trials WHERE id = $id AND status = 'running')
            """, ("$id", trialId), ("$attempt", attempt), ("$until", Now(lease))) == 1, ct);
    }

    public Task<bool> EndAttemptAsync(string trialId, int attempt, TrialStatus status, string? error, string? outcome = null,
        CancellationToken ct = default) =>
        WriteAsync((connection, tx) =>
        {
            var current = Scalar(connection, tx, "SELECT attempts FROM trials WHERE id = $id", ("$id", trialId))
                          ?? throw StoreChecks.NoTrial(trialId);
            if (Convert.ToInt32(current) != attempt) return false;

            var ending = outcome ?? status.ToWire();
            using (var reader = Command(connection, tx, "SELECT ended_at, outcome FROM trial_attempts WHERE trial_id = $id AND attempt = $attempt",
                       ("$id", trialId), ("$attempt", attempt)).ExecuteReader())
            {
                if (!reader.Read()) return false;
                if (!reader.IsDBNull(0))
                    // Already closed: a retried call that had succeeded is still a success; anything else was fenced out.
                    return !reader.IsDBNull(1) && reader.GetString(1) == ending;
            }

            var now = Now();
            Exec(connection, tx, "UPDATE trial_attempts SET ended_at = $now, outcome = $outcome WHERE trial_id = $id AND attempt = $attempt",
                ("$id", trialId), ("$attempt", attempt), ("$now", now), ("$outcome", ending));
            // $replaces: whether this ending replaces a cancel the sweep made while the attempt ran (TrialStatusRules).
            Exec(connection, tx, "UPDATE trials SET status = $status, error = $error, finished_at = $finished WHERE id = $id AND (status <> 'cancelled' OR $replaces)",
                ("$id", trialId), ("$status", status.ToWire()), ("$error", error), ("$finished", status.IsFinal() ? now : null),
                ("$replaces", TrialStatusRules.EndingReplacesCancel(status)));
            return true;
        }, ct);

    public Task<IReadOnlyList<string>> AbandonAttemptsOfSiloAsync(string silo, CancellationToken ct = default) =>
        WriteAsync<IReadOnlyList<string>>((connection, tx) =>
        {
            var open = new List<(string TrialId, int Attempt)>();
            using (var reader = Command(connection, tx, "SELECT trial_id, attempt FROM trial_attempts WHERE silo = $silo AND ended_at IS NULL ORDER BY trial_id",
                       ("$silo", silo)).ExecuteReader())
                while (reader.Read()) open.Add((reader.GetString(0), reader.GetInt32(1)));

            var now = Now();
            Exec(connection, tx, $"UPDATE trial_attempts SET ended_at = $now, outcome = '{AttemptOutcomes.SiloDead}' WHERE silo = $silo AND ended_at IS NULL",
                ("$silo", silo), ("$now", now));

            var requeued = new List<string>();
            using var toPending = Command(connection, tx,
                "UPDATE trials SET status = 'pending' WHERE id = $id AND attempts = $attempt AND status = 'running'",
                ("$id", ""), ("$attempt", 0));
            foreach (var (trialId, attempt) in open)
            {
                toPending.Parameters["$id"].Value = trialId;
                toPending.Parameters["$attempt"].Value = attempt;
                if (toPending.ExecuteNonQuery() == 1) requeued.Add(trialId);
            }
            return requeued;
        }, ct);

    public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string trialId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<AttemptRecord>>(connection =>
        {
            using var reader = Command(connection, null, """
                SELECT trial_id, attempt, silo, started_at, ended_at, lease_until, outcome, first_batch_at
                FROM trial_attempts WHERE trial_id = $id ORDER BY attempt
                """, ("$id", trialId)).ExecuteReader();
            var attempts = new List<AttemptRecord>();
            while (reader.Read())
                attempts.Add(new AttemptRecord(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), Time(reader, 3),
                    NullableTime(reader, 4), Time(reader, 5), reader.IsDBNull(6) ? null : reader.GetString(6), NullableTime(reader, 7)));
            return attempts;
        }, ct);

    public Task RecordFirstBatchAsync(string trialId, int attempt, CancellationToken ct = default) =>
        WriteAsync((connection, tx) =>
        {
            var writers = CurrentWriters(connection, tx, [trialId]);
            if (attempt <= 0 || writers.GetValueOrDefault(trialId) != attempt)
            {
                // Fenced out (ignored, like its epoch rows), or no such trial (an error, as for other writes).
                if (Scalar(connection, tx, "SELECT 1 FROM trials WHERE id = $id", ("$id", trialId)) is null) throw StoreChecks.NoTrial(trialId);
                return 0;
            }
            return Exec(connection, tx, """
                UPDATE trial_attempts SET first_batch_at = $now WHERE trial_id = $id AND attempt = $attempt AND first_batch_at IS NULL
                """, ("$id", trialId), ("$attempt", attempt), ("$now", Now()));
        }, ct);

    public Task RegisterSiloAsync(string silo, string deviceKind, int slots, CancellationToken ct = default)
    {
        StoreChecks.SiloRegistration(silo, deviceKind, slots);
        return WriteAsync((connection, tx) => Exec(connection, tx, """
            INSERT INTO silos (silo, device_kind, slots, registered_at) VALUES ($silo, $kind, $slots, $now)
            ON CONFLICT (silo) DO UPDATE SET device_kind = excluded.device_kind, slots = excluded.slots, registered_at = excluded.registered_at
            """, ("$silo", silo), ("$kind", deviceKind), ("$slots", slots), ("$now", Now())), ct);
    }

    public Task UnregisterSiloAsync(string silo, CancellationToken ct = default) =>
        WriteAsync((connection, tx) => Exec(connection, tx, "DELETE FROM silos WHERE silo = $silo", ("$silo", silo)), ct);

    public Task<IReadOnlyList<SiloSlots>> GetSlotLedgerAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<SiloSlots>>(connection =>
        {
            using var reader = Command(connection, null, """
                SELECT s.silo, s.device_kind, s.slots, count(a.trial_id)
                FROM silos s
                LEFT JOIN trial_attempts a ON a.silo = s.silo AND a.ended_at IS NULL AND a.lease_until > $now
                GROUP BY s.silo, s.device_kind, s.slots
                ORDER BY s.silo
                """, ("$now", Now())).ExecuteReader();
            var ledger = new List<SiloSlots>();
            while (reader.Read())
                ledger.Add(new SiloSlots(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
            return ledger;
        }, ct);
}
