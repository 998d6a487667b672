using AeGrid.Abstractions;
using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>Forked sweeps: the sweep, its trials and its warm start in one transaction; the warm start read back.</summary>
public sealed partial class PostgresTrialStore
{
    public Task CreateForkedSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, WarmStart warmStart, CancellationToken ct = default)
    {
        StoreChecks.ForkFits(sweep, warmStart);
        return CreateSweepAsync(sweep, trials, warmStart, ct);
    }

    public Task<WarmStart?> GetWarmStartAsync(string sweepId, CancellationToken ct = default) =>
        QuerySingleAsync("SELECT sweep_id, source_epoch, weights, created_at FROM warm_starts WHERE sweep_id = $1",
            r => new WarmStart(r.GetString(0), r.GetInt32(1), r.GetFieldValue<byte[]>(2), Time(r, 3)), ct, P(sweepId));

    private static NpgsqlBatchCommand InsertWarmStartCommand(WarmStart warmStart) => BatchCommand(
        "INSERT INTO warm_starts (sweep_id, source_epoch, weights, created_at) VALUES ($1, $2, $3, $4)",
        P(warmStart.SweepId), P(warmStart.SourceEpoch), P(warmStart.Weights), P(warmStart.CreatedAt.ToUniversalTime()));
}
