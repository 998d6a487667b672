using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>Set-based reads that keep the sweep grain's view and `sweep list` cheap however many trials a sweep has.</summary>
public sealed partial class PostgresTrialStore
{
    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, IReadOnlyCollection<string> trialIds,
        CancellationToken ct = default) =>
        trialIds.Count == 0
            ? Task.FromResult<IReadOnlyList<TrialRecord>>([])
            : QueryListAsync($"{SelectTrial} WHERE sweep_id = $1 AND id = ANY($2::text[]) ORDER BY number", ReadTrial, ct,
                P(sweepId), P(trialIds.Distinct().ToArray()));

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<TrialStatus, int>>> CountTrialsByStatusAsync(
        CancellationToken ct = default)
    {
        var rows = await QueryListAsync("SELECT sweep_id, status, count(*)::integer FROM trials GROUP BY sweep_id, status",
            r => (Sweep: r.GetString(0), Status: TrialStatusExtensions.ParseTrialStatus(r.GetString(1)), Count: r.GetInt32(2)),
            ct).ConfigureAwait(false);
        return StoreWire.CountsBySweep(rows);
    }
}
