using AeGrid.Abstractions;
using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>What a learning sampler saw: finish numbers, proposal bases and the trial budget (migration 8).</summary>
public sealed partial class PostgresTrialStore
{
    public Task<long> StampFinishedTrialsAsync(string sweepId, CancellationToken ct = default) =>
        InTransactionAsync(async (connection, tx) =>
        {
            if (await ScalarAsync(connection, tx, "SELECT 1 FROM sweeps WHERE id = $1 FOR UPDATE", ct, P(sweepId)).ConfigureAwait(false) is null)
                throw StoreChecks.NoSweep(sweepId);
            var highest = Convert.ToInt64(await ScalarAsync(connection, tx,
                "SELECT coalesce(max(finish_seq), 0) FROM trials WHERE sweep_id = $1", ct, P(sweepId)).ConfigureAwait(false));
            var stamped = await ExecAsync(connection, tx, $"""
                UPDATE trials SET finish_seq = $2
                WHERE sweep_id = $1 AND finish_seq IS NULL AND status IN {ProposalMigrations.FinalStatuses}
                """, ct, P(sweepId), P(highest + 1)).ConfigureAwait(false);
            return stamped > 0 ? highest + 1 : highest;
        }, ct);

    public Task AddProposedTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, long proposalBasis, CancellationToken ct = default)
    {
        StoreChecks.TrialsBelongTo(sweepId, trials);
        return InTransactionAsync(async (connection, tx) =>
        {
            if (await ScalarAsync(connection, tx, "SELECT 1 FROM sweeps WHERE id = $1", ct, P(sweepId)).ConfigureAwait(false) is null)
                throw StoreChecks.NoSweep(sweepId);
            await using var batch = new NpgsqlBatch(connection, tx)
            {
                BatchCommands =
                {
                    InsertTrialsCommand(sweepId, trials),
                    BatchCommand("UPDATE trials SET proposal_basis = $1 WHERE id = ANY($2) AND proposal_basis IS NULL",
                        P(proposalBasis), P(trials.Select(t => t.TrialId).ToArray())),
                },
            };
            return await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);
    }

    public Task<IReadOnlyList<TrialProposalRecord>> GetProposalHistoryAsync(string sweepId, CancellationToken ct = default) =>
        QueryListAsync("SELECT id, number, finish_seq, proposal_basis FROM trials WHERE sweep_id = $1 ORDER BY number",
            r => new TrialProposalRecord(r.GetString(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3)),
            ct, P(sweepId));

    public async Task<int?> GetTrialBudgetAsync(string sweepId, CancellationToken ct = default) =>
        await ScalarAsync(null, null, "SELECT trial_budget FROM sweeps WHERE id = $1", ct, P(sweepId)).ConfigureAwait(false) is int budget
            ? budget
            : null;

    public async Task SetTrialBudgetAsync(string sweepId, int budget, CancellationToken ct = default)
    {
        if (await ExecAsync(null, null, "UPDATE sweeps SET trial_budget = $2 WHERE id = $1", ct, P(sweepId), P(budget)).ConfigureAwait(false) == 0)
            throw StoreChecks.NoSweep(sweepId);
    }
}
