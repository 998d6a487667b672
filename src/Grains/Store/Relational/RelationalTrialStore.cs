using AeGrid.Abstractions;
using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

/// <summary>
/// The trial store over any relational database: the rules live in the concern classes it hands each call to (the
/// attempt ledger, sweeps, trials, epochs, checkpoints, pbt), written once over ADO.NET; a subclass brings only the
/// database — its sessions (connections, transactions, concurrency) and its dialect — and its schema.
/// </summary>
public abstract class RelationalTrialStore : ITrialStore
{
    private readonly AttemptLedger _attempts;
    private readonly SweepQueries _sweeps;
    private readonly TrialQueries _trials;
    private readonly EpochQueries _epochs;
    private readonly CheckpointQueries _checkpoints;
    private readonly ExploitQueries _exploits;

    private protected RelationalTrialStore(IStoreSessions sessions, ILogger logger)
    {
        _epochs = new EpochQueries(sessions, logger);
        _checkpoints = new CheckpointQueries(sessions);
        _exploits = new ExploitQueries(sessions);
        _attempts = new AttemptLedger(sessions);
        _sweeps = new SweepQueries(sessions);
        _trials = new TrialQueries(sessions);
    }

    /// <summary>Brings the database's schema up to date (the database's own migrations, through <see cref="SchemaMigrator"/>).</summary>
    public abstract Task MigrateAsync(CancellationToken ct = default);

    // ---- sweeps

    public Task CreateSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default) =>
        _sweeps.CreateAsync(sweep, trials, warmStart: null, ct);

    public Task CreateForkedSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, WarmStart warmStart, CancellationToken ct = default)
    {
        StoreChecks.ForkFits(sweep, warmStart);
        return _sweeps.CreateAsync(sweep, trials, warmStart, ct);
    }

    public Task<WarmStart?> GetWarmStartAsync(string sweepId, CancellationToken ct = default) => _sweeps.GetWarmStartAsync(sweepId, ct);

    public Task<SweepRecord?> GetSweepAsync(string sweepId, CancellationToken ct = default) => _sweeps.GetAsync(sweepId, ct);

    public Task<IReadOnlyList<SweepRecord>> ListSweepsAsync(CancellationToken ct = default) => _sweeps.ListAsync(ct);

    public Task SetSweepStateAsync(string sweepId, SweepState state, CancellationToken ct = default) => _sweeps.SetStateAsync(sweepId, state, ct);

    public Task AddTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default) =>
        _sweeps.AddTrialsAsync(sweepId, trials, ct);

    public Task<SweepDeletion> DeleteSweepAsync(string sweepId, CancellationToken ct = default) => _sweeps.DeleteAsync(sweepId, ct);

    public Task<int?> GetTrialBudgetAsync(string sweepId, CancellationToken ct = default) => _sweeps.GetTrialBudgetAsync(sweepId, ct);

    public Task SetTrialBudgetAsync(string sweepId, int budget, CancellationToken ct = default) => _sweeps.SetTrialBudgetAsync(sweepId, budget, ct);

    // ---- proposals

    public Task<long> StampFinishedTrialsAsync(string sweepId, CancellationToken ct = default) => _trials.StampFinishedAsync(sweepId, ct);

    public Task AddProposedTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, long proposalBasis, CancellationToken ct = default) =>
        _trials.AddProposedAsync(sweepId, trials, proposalBasis, ct);

    public Task<IReadOnlyList<TrialProposalRecord>> GetProposalHistoryAsync(string sweepId, CancellationToken ct = default) =>
        _trials.GetProposalHistoryAsync(sweepId, ct);

    // ---- trials

    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, CancellationToken ct = default) => _trials.GetAllAsync(sweepId, ct);

    public Task<TrialRecord?> GetTrialAsync(string trialId, CancellationToken ct = default) => _trials.GetAsync(trialId, ct);

    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, IReadOnlyCollection<string> trialIds, CancellationToken ct = default) =>
        _trials.GetSomeAsync(sweepId, trialIds, ct);

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<TrialStatus, int>>> CountTrialsByStatusAsync(CancellationToken ct = default) =>
        _trials.CountByStatusAsync(ct);

    public Task SetTrialStatusAsync(string trialId, TrialStatus status, string? error, CancellationToken ct = default) =>
        _trials.SetStatusAsync(trialId, status, error, ct);

    public Task<IReadOnlyList<string>> CancelTrialsAsync(string sweepId, string reason, CancellationToken ct = default) =>
        _trials.CancelAsync(sweepId, reason, ct);

    public Task<int> RetryFailedTrialsAsync(string sweepId, CancellationToken ct = default) => _trials.RetryFailedAsync(sweepId, ct);

    public Task SetKeptAsync(string sweepId, IReadOnlyCollection<string> keptTrialIds, CancellationToken ct = default) =>
        _trials.SetKeptAsync(sweepId, keptTrialIds, ct);

    // ---- attempts: fencing and the slot ledger

    public Task<int?> BeginAttemptAsync(string trialId, string silo, TimeSpan lease, string? pack = null, CancellationToken ct = default) =>
        _attempts.BeginAsync(trialId, silo, lease, pack, ct);

    public Task<bool> RenewLeaseAsync(string trialId, int attempt, TimeSpan lease, CancellationToken ct = default) =>
        _attempts.RenewAsync(trialId, attempt, lease, ct);

    public Task<bool> EndAttemptAsync(string trialId, int attempt, TrialStatus status, string? error, string? outcome = null,
        CancellationToken ct = default) =>
        _attempts.EndAsync(trialId, attempt, status, error, outcome, ct);

    public Task<IReadOnlyList<string>> AbandonAttemptsOfSiloAsync(string silo, CancellationToken ct = default) =>
        _attempts.AbandonSiloAsync(silo, ct);

    public Task<IReadOnlyList<string>> ExpireLeasesAsync(string sweepId, CancellationToken ct = default) =>
        _attempts.ExpireLeasesAsync(sweepId, ct);

    public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string trialId, CancellationToken ct = default) =>
        _attempts.GetAttemptsAsync(trialId, ct);

    public Task RecordFirstBatchAsync(string trialId, int attempt, CancellationToken ct = default) =>
        _attempts.RecordFirstBatchAsync(trialId, attempt, ct);

    public Task RegisterSiloAsync(string silo, string deviceKind, int slots, CancellationToken ct = default) =>
        _attempts.RegisterSiloAsync(silo, deviceKind, slots, ct);

    public Task UnregisterSiloAsync(string silo, CancellationToken ct = default) => _attempts.UnregisterSiloAsync(silo, ct);

    public Task<IReadOnlyList<SiloSlots>> GetSlotLedgerAsync(CancellationToken ct = default) => _attempts.GetSlotLedgerAsync(ct);

    // ---- epochs

    public Task<int> WriteEpochsAsync(IReadOnlyList<EpochReport> epochs, CancellationToken ct = default) => _epochs.WriteAsync(epochs, ct);

    public Task<IReadOnlyList<EpochReport>> GetEpochsAsync(string trialId, CancellationToken ct = default) => _epochs.GetAsync(trialId, ct);

    public Task<int> CountRedoneEpochsAsync(string sweepId, CancellationToken ct = default) => _epochs.CountRedoneAsync(sweepId, ct);

    public Task<int> CountRedoneEpochsOfTrialAsync(string trialId, CancellationToken ct = default) => _epochs.CountRedoneOfTrialAsync(trialId, ct);

    // ---- checkpoints, snapshots and models

    public Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken ct = default) => _checkpoints.SaveCheckpointAsync(checkpoint, ct);

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken ct = default) => _checkpoints.LoadCheckpointAsync(trialId, ct);

    public Task SaveModelAsync(StoredModel model, CancellationToken ct = default) => _checkpoints.SaveModelAsync(model, ct);

    public Task<StoredModel?> GetModelAsync(string trialId, CancellationToken ct = default) => _checkpoints.GetModelAsync(trialId, ct);

    public Task<bool> SaveSnapshotAsync(StoredCheckpoint snapshot, CancellationToken ct = default) => _checkpoints.SaveSnapshotAsync(snapshot, ct);

    public Task<StoredCheckpoint?> LoadSnapshotAsync(string trialId, int epoch, CancellationToken ct = default) =>
        _checkpoints.LoadSnapshotAsync(trialId, epoch, ct);

    public Task<IReadOnlyList<string>> GetSnapshotHoldersAsync(string sweepId, int epoch, CancellationToken ct = default) =>
        _checkpoints.GetSnapshotHoldersAsync(sweepId, epoch, ct);

    // ---- population-based training

    public Task<ExploitResult> ExploitAsync(ExploitRequest request, CancellationToken ct = default) => _exploits.ExploitAsync(request, ct);

    public Task<IReadOnlyList<ExploitRecord>> GetExploitsAsync(string sweepId, CancellationToken ct = default) => _exploits.GetExploitsAsync(sweepId, ct);
}
