using AeGrid.Abstractions;
namespace AeGrid.Grains.Store;

/// <summary>Forked sweeps: the sweep, its trials and its warm start in one transaction; the warm start read back.</summary>
public sealed partial class SqliteTrialStore
{
    public Task CreateForkedSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, WarmStart warmStart, CancellationToken ct = default)
    {
        StoreChecks.ForkFits(sweep, warmStart);
        StoreChecks.TrialsBelongTo(sweep.Id, trials);
        return WriteAsync((connection, tx) =>
        {
            InsertSweep(connection, tx, sweep, trials);
            Exec(connection, tx, """
                INSERT INTO warm_starts (sweep_id, source_epoch, weights, created_at) VALUES ($id, $epoch, $weights, $created)
                """, ("$id", sweep.Id), ("$epoch", warmStart.SourceEpoch), ("$weights", warmStart.Weights),
                ("$created", StoreWire.ToSqliteTime(warmStart.CreatedAt)));
            return 0;
        }, ct);
    }

    public Task<WarmStart?> GetWarmStartAsync(string sweepId, CancellationToken ct = default) =>
        ReadAsync(connection =>
        {
            using var reader = Command(connection, null, "SELECT sweep_id, source_epoch, weights, created_at FROM warm_starts WHERE sweep_id = $id",
                ("$id", sweepId)).ExecuteReader();
            return reader.Read() ? new WarmStart(reader.GetString(0), reader.GetInt32(1), (byte[])reader.GetValue(2), Time(reader, 3)) : null;
        }, ct);
}
