using System.Text.Json;
using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>Set-based reads that keep the sweep grain's view and `sweep list` cheap however many trials a sweep has.</summary>
public sealed partial class SqliteTrialStore
{
    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, IReadOnlyCollection<string> trialIds,
        CancellationToken ct = default)
    {
        if (trialIds.Count == 0) return Task.FromResult<IReadOnlyList<TrialRecord>>([]);
        // One statement whatever the count: the ids travel as a JSON array that json_each unpacks.
        var ids = JsonSerializer.Serialize(trialIds.Distinct().ToArray());
        return ReadAsync<IReadOnlyList<TrialRecord>>(connection =>
        {
            using var reader = Command(connection, null,
                $"{SelectTrial} WHERE sweep_id = $sweep AND id IN (SELECT value FROM json_each($ids)) ORDER BY number",
                ("$sweep", sweepId), ("$ids", ids)).ExecuteReader();
            var trials = new List<TrialRecord>();
            while (reader.Read()) trials.Add(ReadTrial(reader));
            return trials;
        }, ct);
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<TrialStatus, int>>> CountTrialsByStatusAsync(
        CancellationToken ct = default) =>
        ReadAsync(connection =>
        {
            using var reader = Command(connection, null, "SELECT sweep_id, status, count(*) FROM trials GROUP BY sweep_id, status")
                .ExecuteReader();
            var rows = new List<(string Sweep, TrialStatus Status, int Count)>();
            while (reader.Read())
                rows.Add((reader.GetString(0), TrialStatusExtensions.ParseTrialStatus(reader.GetString(1)), reader.GetInt32(2)));
            return StoreWire.CountsBySweep(rows);
        }, ct);
}
