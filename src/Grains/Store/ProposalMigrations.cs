namespace AeGrid.Grains.Store;

/// <summary>
/// Schema migration 8 in both stores: what a learning sampler (TPE) saw when it proposed each trial, so its proposals can
/// be recomputed from the rows. trials.finish_seq is a per-sweep number stamped on trials that reached a final status,
/// by the sweep just before it proposes (<see cref="ITrialStore.StampFinishedTrialsAsync"/>): trials that finished
/// between two proposals share a number. trials.proposal_basis is the highest finish_seq the trial's proposal considered:
/// earlier trials stamped at or below it were its history, the others were still pending. sweeps.trial_budget is a TPE
/// sweep's budget once `sweep extend` raised it (null: the spec's `trials:`).
/// </summary>
internal static class ProposalMigrations
{
    public const int Version = 8;
    public const string Description = "trials.finish_seq, trials.proposal_basis, sweeps.trial_budget: what each TPE proposal saw, and the budget";

    public const string Postgres = """
        ALTER TABLE trials ADD COLUMN finish_seq bigint;
        ALTER TABLE trials ADD COLUMN proposal_basis bigint;
        ALTER TABLE sweeps ADD COLUMN trial_budget integer;
        """;

    public const string Sqlite = """
        ALTER TABLE trials ADD COLUMN finish_seq INTEGER;
        ALTER TABLE trials ADD COLUMN proposal_basis INTEGER;
        ALTER TABLE sweeps ADD COLUMN trial_budget INTEGER;
        """;

    /// <summary>The wire names of the final statuses, for SQL: the trials a stamp may number.</summary>
    public const string FinalStatuses = "('completed', 'pruned', 'failed', 'diverged', 'cancelled')";
}

/// <summary>One trial's place in its sweep's proposal history (see <see cref="ProposalMigrations"/>).</summary>
public sealed record TrialProposalRecord(string TrialId, int Number, long? FinishSeq, long? ProposalBasis);
