using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>Deleting a finished sweep: the schema's ON DELETE CASCADE takes its trials, attempts, epochs, checkpoints and models.</summary>
public sealed partial class SqliteTrialStore
{
    public Task<SweepDeletion> DeleteSweepAsync(string sweepId, CancellationToken ct = default) =>
        WriteAsync((connection, tx) =>
        {
            // One writer at a time (BEGIN IMMEDIATE): the state read here cannot change before the delete.
            var state = Scalar(connection, tx, "SELECT state FROM sweeps WHERE id = $id", ("$id", sweepId)) as string;
            if (state is null) return SweepDeletion.NotFound;
            if (state == SweepState.Running.ToWire()) return SweepDeletion.Running;
            Exec(connection, tx, "DELETE FROM sweeps WHERE id = $id", ("$id", sweepId));
            return SweepDeletion.Deleted;
        }, ct);
}
