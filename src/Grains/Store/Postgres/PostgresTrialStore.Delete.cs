using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>Deleting a finished sweep: the schema's ON DELETE CASCADE takes its trials, attempts, epochs, checkpoints and models.</summary>
public sealed partial class PostgresTrialStore
{
    public Task<SweepDeletion> DeleteSweepAsync(string sweepId, CancellationToken ct = default) =>
        InTransactionAsync(async (connection, tx) =>
        {
            // The row lock holds the state read here until the delete commits: a retry or extend cannot restart it meanwhile.
            var state = await ScalarAsync(connection, tx, "SELECT state FROM sweeps WHERE id = $1 FOR UPDATE", ct, P(sweepId))
                .ConfigureAwait(false) as string;
            if (state is null) return SweepDeletion.NotFound;
            if (state == SweepState.Running.ToWire()) return SweepDeletion.Running;
            await ExecAsync(connection, tx, "DELETE FROM sweeps WHERE id = $1", ct, P(sweepId)).ConfigureAwait(false);
            return SweepDeletion.Deleted;
        }, ct);
}
