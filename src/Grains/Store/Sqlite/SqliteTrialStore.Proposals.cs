using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>What a learning sampler saw: finish numbers, proposal bases and the trial budget (migration 8).</summary>
public sealed partial class SqliteTrialStore
{
    public Task<long> StampFinishedTrialsAsync(string sweepId, CancellationToken ct = default) =>
        WriteAsync((connection, tx) =>
        {
            if (Scalar(connection, tx, "SELECT 1 FROM sweeps WHERE id = $id", ("$id", sweepId)) is null) throw StoreChecks.NoSweep(sweepId);
            var highest = Convert.ToInt64(Scalar(connection, tx,
                "SELECT coalesce(max(finish_seq), 0) FROM trials WHERE sweep_id = $sweep", ("$sweep", sweepId)));
            var stamped = Exec(connection, tx, $"""
                UPDATE trials SET finish_seq = $next
                WHERE sweep_id = $sweep AND finish_seq IS NULL AND status IN {ProposalMigrations.FinalStatuses}
                """, ("$sweep", sweepId), ("$next", highest + 1));
            return stamped > 0 ? highest + 1 : highest;
        }, ct);

    public Task AddProposedTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, long proposalBasis, CancellationToken ct = default)
    {
        StoreChecks.TrialsBelongTo(sweepId, trials);
        return WriteAsync((connection, tx) =>
        {
            if (Scalar(connection, tx, "SELECT 1 FROM sweeps WHERE id = $id", ("$id", sweepId)) is null) throw StoreChecks.NoSweep(sweepId);
            InsertTrials(connection, tx, trials);
            using var basis = Command(connection, tx, "UPDATE trials SET proposal_basis = $basis WHERE id = $id AND proposal_basis IS NULL",
                ("$basis", proposalBasis), ("$id", ""));
            foreach (var trial in trials)
            {
                basis.Parameters["$id"].Value = trial.TrialId;
                basis.ExecuteNonQuery();
            }
            return 0;
        }, ct);
    }

    public Task<IReadOnlyList<TrialProposalRecord>> GetProposalHistoryAsync(string sweepId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<TrialProposalRecord>>(connection =>
        {
            using var reader = Command(connection, null,
                "SELECT id, number, finish_seq, proposal_basis FROM trials WHERE sweep_id = $sweep ORDER BY number", ("$sweep", sweepId)).ExecuteReader();
            var rows = new List<TrialProposalRecord>();
            while (reader.Read())
                rows.Add(new TrialProposalRecord(reader.GetString(0), reader.GetInt32(1),
                    reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetInt64(3)));
            return rows;
        }, ct);

    public Task<int?> GetTrialBudgetAsync(string sweepId, CancellationToken ct = default) =>
        ReadAsync(connection => Command(connection, null, "SELECT trial_budget FROM sweeps WHERE id = $id", ("$id", sweepId)).ExecuteScalar()
            is long budget ? (int?)budget : null, ct);

    public Task SetTrialBudgetAsync(string sweepId, int budget, CancellationToken ct = default) =>
        WriteAsync((connection, tx) => Exec(connection, tx, "UPDATE sweeps SET trial_budget = $budget WHERE id = $id",
            ("$id", sweepId), ("$budget", budget)) == 0 ? throw StoreChecks.NoSweep(sweepId) : 0, ct);
}
