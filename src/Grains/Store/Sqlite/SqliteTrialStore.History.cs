namespace AeGrid.Grains.Store;

/// <summary>Reads for reports about one trial.</summary>
public sealed partial class SqliteTrialStore
{
    public Task<int> CountRedoneEpochsOfTrialAsync(string trialId, CancellationToken ct = default) =>
        ReadAsync(connection => Convert.ToInt32(Command(connection, null,
            "SELECT coalesce(sum(write_count - 1), 0) FROM epoch_metrics WHERE trial_id = $id", ("$id", trialId)).ExecuteScalar()), ct);
}
