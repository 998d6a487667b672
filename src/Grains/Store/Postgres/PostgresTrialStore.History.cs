namespace AeGrid.Grains.Store;

/// <summary>Reads for reports about one trial.</summary>
public sealed partial class PostgresTrialStore
{
    public async Task<int> CountRedoneEpochsOfTrialAsync(string trialId, CancellationToken ct = default) =>
        (await QueryListAsync("SELECT coalesce(sum(write_count - 1), 0)::integer FROM epoch_metrics WHERE trial_id = $1",
            r => r.GetInt32(0), ct, P(trialId)).ConfigureAwait(false))[0];
}
