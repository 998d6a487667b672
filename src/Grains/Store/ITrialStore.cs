using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>
/// Everything that must outlive a process: sweeps, trials, attempts (the fencing and slot ledger), epoch metrics,
/// checkpoints and kept models. Every write is idempotent, keyed by trial (and epoch), so retries are safe.
/// Implemented by <see cref="SqliteTrialStore"/> (embedded default) and <see cref="PostgresTrialStore"/>;
/// one contract suite tests both.
/// </summary>
/// <remarks>
/// Ids that do not exist give <see cref="KeyNotFoundException"/> from writes that need them (and null from reads).
/// "The trial's current attempt" is its latest attempt (<see cref="TrialRecord.Attempts"/>), as long as no one else closed
/// it: an attempt closed as <see cref="AttemptOutcomes.Expired"/> or <see cref="AttemptOutcomes.SiloDead"/> is fenced out,
/// while one its owner ended with <see cref="EndAttemptAsync"/> may still land its last epoch rows.
/// </remarks>
public interface ITrialStore
{
    /// <summary>Creates or upgrades the schema (versioned migrations). Safe to call from every process at start-up.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    // ---- sweeps
    /// <summary>Creates the sweep and its trials (all pending) in one transaction. Throws <see cref="DuplicateSweepException"/>
    /// when a running sweep already has this name.</summary>
    Task CreateSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default);
    /// <summary>The same for a forked sweep (<see cref="SweepRecord.ForkedFrom"/> set), with the weights its trials start from,
    /// in the same transaction: a fork never exists without its warm start.</summary>
    Task CreateForkedSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, WarmStart warmStart, CancellationToken ct = default);
    /// <summary>The weights a forked sweep's trials start from; null for a sweep that was not forked.</summary>
    Task<WarmStart?> GetWarmStartAsync(string sweepId, CancellationToken ct = default);
    Task<SweepRecord?> GetSweepAsync(string sweepId, CancellationToken ct = default);
    Task<IReadOnlyList<SweepRecord>> ListSweepsAsync(CancellationToken ct = default);
    Task SetSweepStateAsync(string sweepId, SweepState state, CancellationToken ct = default);
    /// <summary>Adds trials to an existing sweep (extend); trial ids that exist already are left alone.</summary>
    Task AddTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default);

    /// <summary>Deletes a sweep that is not running, with its trials, attempts, epochs, checkpoints, models and warm start, in one
    /// transaction; a running sweep is left alone (<see cref="SweepDeletion.Running"/>).</summary>
    Task<SweepDeletion> DeleteSweepAsync(string sweepId, CancellationToken ct = default);

    // ---- proposals: what a learning sampler saw (see ProposalMigrations)
    /// <summary>
    /// Numbers the sweep's trials that reached a final status since the last call with the next finish_seq (all the same
    /// number) and returns the sweep's highest finish_seq (0 when none is final): the basis for the next proposals.
    /// </summary>
    Task<long> StampFinishedTrialsAsync(string sweepId, CancellationToken ct = default);
    /// <summary>Adds trials (as <see cref="AddTrialsAsync"/>) proposed on <paramref name="proposalBasis"/>.</summary>
    Task AddProposedTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, long proposalBasis, CancellationToken ct = default);
    /// <summary>Each trial's finish_seq and proposal_basis, by number.</summary>
    Task<IReadOnlyList<TrialProposalRecord>> GetProposalHistoryAsync(string sweepId, CancellationToken ct = default);
    /// <summary>The sweep's stored trial budget; null when never set (the spec's `trials:` holds).</summary>
    Task<int?> GetTrialBudgetAsync(string sweepId, CancellationToken ct = default);
    Task SetTrialBudgetAsync(string sweepId, int budget, CancellationToken ct = default);

    // ---- trials
    Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, CancellationToken ct = default);
    Task<TrialRecord?> GetTrialAsync(string trialId, CancellationToken ct = default);
    /// <summary>The rows of just these trials of the sweep (ids of other sweeps and unknown ids are skipped), by number:
    /// the sweep grain's targeted refresh, so that keeping its view current costs the trials that changed, not the sweep.</summary>
    Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, IReadOnlyCollection<string> trialIds, CancellationToken ct = default);
    /// <summary>Every sweep's trial count per status, in one query: `sweep list` without reading every trial row.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<TrialStatus, int>>> CountTrialsByStatusAsync(CancellationToken ct = default);
    /// <summary>Sets status (and error) whatever the attempt: for the sweep's own decisions (cancel, retry → pending).</summary>
    Task SetTrialStatusAsync(string trialId, TrialStatus status, string? error, CancellationToken ct = default);
    /// <summary>
    /// Cancels, in one statement, every trial of the sweep that is pending or running (compare-and-set: a trial that reached
    /// another status meanwhile keeps it, so a just-completed trial stays completed). A running trial's attempt stays open
    /// for its owner to end: when it ends, only Completed or Diverged (work actually finished) replace Cancelled.
    /// Returns the ids of the trials that were running, to be told to stop.
    /// </summary>
    Task<IReadOnlyList<string>> CancelTrialsAsync(string sweepId, string reason, CancellationToken ct = default);
    /// <summary>Sets every failed trial of the sweep back to pending in one statement; returns how many.</summary>
    Task<int> RetryFailedTrialsAsync(string sweepId, CancellationToken ct = default);
    /// <summary>Marks trials kept (best models) and clears the mark on the others of the sweep.</summary>
    Task SetKeptAsync(string sweepId, IReadOnlyCollection<string> keptTrialIds, CancellationToken ct = default);

    // ---- attempts: fencing and the slot ledger
    /// <summary>
    /// Opens a new attempt of the trial on <paramref name="silo"/>, atomically, only if (a) no other attempt of the trial is
    /// open with an unexpired lease and (b) the silo has a free slot (open attempts on it &lt; its registered slots).
    /// Closes any expired open attempt of the trial first. Sets the trial Running. Returns the new attempt number (1, 2, …)
    /// or null when refused — also when the silo is not registered or the trial is in a final state (set it Pending to
    /// re-run it). Lease times are the database's clock on PostgreSQL.
    /// With a <paramref name="pack"/> (a fused pack, `fuse: K`), the attempt shares the slot of that pack's open attempts on
    /// this silo, and needs a free slot only as the pack's first; the ledger counts packs, not attempts.
    /// </summary>
    Task<int?> BeginAttemptAsync(string trialId, string silo, TimeSpan lease, string? pack = null, CancellationToken ct = default);
    /// <summary>Extends the lease of an open attempt; false when this attempt is no longer the trial's current open one, or
    /// the trial is no longer running (the sweep cancelled it, perhaps from another process).</summary>
    Task<bool> RenewLeaseAsync(string trialId, int attempt, TimeSpan lease, CancellationToken ct = default);
    /// <summary>
    /// Closes the attempt and sets the trial's status (final, or Pending to be re-run) and error, only if this attempt is
    /// the trial's current one; false otherwise (a fenced-out zombie). Ending it again with the same status returns true
    /// (a retried call). The attempt's outcome is <paramref name="outcome"/> when given (<see cref="AttemptOutcomes.Error"/>
    /// for a failure that will be retried), else the status's wire name (completed, pending, …). A trial the sweep cancelled
    /// meanwhile stays cancelled unless the attempt ended Completed or Diverged.
    /// Flush the <see cref="EpochWriter"/> first so the last epochs are stored before the trial reads as finished.
    /// </summary>
    Task<bool> EndAttemptAsync(string trialId, int attempt, TrialStatus status, string? error, string? outcome = null,
        CancellationToken ct = default);
    /// <summary>Closes every open attempt on a silo that membership declared dead; returns the trial ids set back to pending.</summary>
    Task<IReadOnlyList<string>> AbandonAttemptsOfSiloAsync(string silo, CancellationToken ct = default);
    /// <summary>
    /// Closes the open attempts of the sweep's trials whose lease ran out (outcome <see cref="AttemptOutcomes.Expired"/>,
    /// by the store's clock) and sets those trials back to pending; returns their ids. The backstop for an owner that can no
    /// longer renew (a database outage longer than the lease, a silo frozen but still a member).
    /// </summary>
    Task<IReadOnlyList<string>> ExpireLeasesAsync(string sweepId, CancellationToken ct = default);
    Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string trialId, CancellationToken ct = default);
    /// <summary>
    /// Stamps the attempt's <see cref="AttemptRecord.FirstBatchAt"/> (the store's clock) the first time it is called; later
    /// calls leave it. Fenced like epoch writes: ignored unless <paramref name="attempt"/> is the trial's current attempt and
    /// was not fenced out. With <see cref="AttemptRecord.StartedAt"/> (admission: the moment the trial claimed its slot) it
    /// gives the scheduling latency on the silo: data loading, model set-up and the first batch.
    /// </summary>
    Task RecordFirstBatchAsync(string trialId, int attempt, CancellationToken ct = default);

    /// <summary>A silo's training capacity; re-registering replaces it. Device kind: "cpu" or "cuda".</summary>
    Task RegisterSiloAsync(string silo, string deviceKind, int slots, CancellationToken ct = default);
    Task UnregisterSiloAsync(string silo, CancellationToken ct = default);
    /// <summary>Registered silos with their slots and open (leased) attempts: the ledger placement reads.</summary>
    Task<IReadOnlyList<SiloSlots>> GetSlotLedgerAsync(CancellationToken ct = default);

    // ---- epochs
    /// <summary>Upserts epoch rows keyed by (trial, epoch): written twice overwrites, never duplicates. Rows whose attempt is
    /// not the trial's current attempt are dropped (fencing). Returns the rows written.</summary>
    Task<int> WriteEpochsAsync(IReadOnlyList<EpochReport> epochs, CancellationToken ct = default);
    Task<IReadOnlyList<EpochReport>> GetEpochsAsync(string trialId, CancellationToken ct = default);
    /// <summary>Epochs of the sweep stored more than once (a resumed attempt re-ran them): the work redone after failures.</summary>
    Task<int> CountRedoneEpochsAsync(string sweepId, CancellationToken ct = default);
    /// <summary>The same for one trial: what failures cost it in epochs trained again.</summary>
    Task<int> CountRedoneEpochsOfTrialAsync(string trialId, CancellationToken ct = default);

    // ---- checkpoints and models
    /// <summary>Replaces the trial's checkpoint if <paramref name="attempt"/> is current; false otherwise.</summary>
    Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken ct = default);
    Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken ct = default);
    Task SaveModelAsync(StoredModel model, CancellationToken ct = default);
    Task<StoredModel?> GetModelAsync(string trialId, CancellationToken ct = default);

    // ---- population-based training (search: pbt)
    /// <summary>Keeps a copy of a trial's epoch-end checkpoint under its epoch (what other trials exploit), fenced like
    /// <see cref="SaveCheckpointAsync"/>: false when <see cref="StoredCheckpoint.Attempt"/> is not current. Saved again, it replaces.</summary>
    Task<bool> SaveSnapshotAsync(StoredCheckpoint snapshot, CancellationToken ct = default);
    Task<StoredCheckpoint?> LoadSnapshotAsync(string trialId, int epoch, CancellationToken ct = default);
    /// <summary>The trials of the sweep that have a stored snapshot at <paramref name="epoch"/>: the only possible donors there.</summary>
    Task<IReadOnlyList<string>> GetSnapshotHoldersAsync(string sweepId, int epoch, CancellationToken ct = default);
    /// <summary>
    /// Applies one exploit in one transaction, or nothing: only while <see cref="ExploitRequest.Attempt"/> is the recipient's
    /// current, open, running attempt (else <see cref="ExploitResult.NotCurrent"/>) and the donor has a snapshot at the epoch
    /// (else <see cref="ExploitResult.NoSnapshot"/>). It stores the recipient's epoch row if the epoch writer has not yet
    /// (one row per epoch either way) and drops rows after it, ends the attempt as <see cref="AttemptOutcomes.Exploited"/>
    /// (fencing out the attempt's later writes) with the trial pending, replaces the recipient's checkpoint with the donor's
    /// snapshot (recipient's id, the epoch, batch 0), sets its hyperparameters, and records the exploit. At most one exploit
    /// per (trial, epoch): a repeated call returns <see cref="ExploitResult.AlreadyApplied"/> and changes nothing.
    /// </summary>
    Task<ExploitResult> ExploitAsync(ExploitRequest request, CancellationToken ct = default);
    /// <summary>The sweep's exploits, by epoch then trial: each trial's lineage.</summary>
    Task<IReadOnlyList<ExploitRecord>> GetExploitsAsync(string sweepId, CancellationToken ct = default);
}
