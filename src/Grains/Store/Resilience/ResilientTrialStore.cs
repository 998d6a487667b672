using System.Runtime.CompilerServices;
using AeGrid.Abstractions;
using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

/// <summary>
/// The one place store calls are retried: every <see cref="ITrialStore"/> method goes to the store it wraps through a
/// Polly retry pipeline that rides out transient failures (<see cref="TransientStoreErrors"/>) with exponential backoff
/// and jitter, and passes domain errors and cancellations straight through. Registered by the store's hosting extension
/// (<see cref="TrialStoreHostingExtensions"/>) and <see cref="TrialStoreFactory"/>, so every host gets it.
/// </summary>
/// <remarks>
/// <para>Which policy (<see cref="StoreResilienceOptions"/>) a method gets follows from what waiting costs its caller:
/// <see cref="StoreResilienceOptions.EpochWrites"/> for <see cref="WriteEpochsAsync"/> (the epoch writer keeps the
/// batch until it lands); <see cref="StoreResilienceOptions.Attempts"/>, longer than a lease, for what an attempt starts
/// from and ends with (<see cref="LoadCheckpointAsync"/>, <see cref="GetWarmStartAsync"/>, <see cref="SaveCheckpointAsync"/>,
/// <see cref="SaveSnapshotAsync"/>, <see cref="EndAttemptAsync"/>: what the trial grain used to retry itself);
/// <see cref="StoreResilienceOptions.Calls"/>, seconds, for the rest, lease renewal included (a renewal that waited past
/// its lease would let the trial train on while another silo may claim it).</para>
/// <para>A retry reruns the whole method, so it must be safe after a try whose commit happened but whose answer was lost.
/// The store's writes are idempotent by contract (upserts, compare-and-set status changes, <see cref="EndAttemptAsync"/>
/// ending again with the same outcome returns true, <see cref="ExploitAsync"/> answers AlreadyApplied, which the sweep
/// treats as applied, trials that exist already are left alone by <see cref="AddTrialsAsync"/> and
/// <see cref="AddProposedTrialsAsync"/>, <see cref="StampFinishedTrialsAsync"/> returns the highest stamp either way).
/// The exceptions, decided one by one:</para>
/// <list type="bullet">
/// <item><see cref="CreateSweepAsync"/> and <see cref="CreateForkedSweepAsync"/> refuse an id that exists: before a retry
/// they look for the sweep, and a stored sweep with the same id, name and spec is the first try's, which succeeded.</item>
/// <item><see cref="BeginAttemptAsync"/> retried after a lost commit is refused (null: the trial's lease is held); the
/// orphan attempt's lease expires as it would have after the failure, so the outcome is the same as without a retry.</item>
/// <item>Set-based answers (<see cref="CancelTrialsAsync"/>, <see cref="ExpireLeasesAsync"/>,
/// <see cref="AbandonAttemptsOfSiloAsync"/>, <see cref="RetryFailedTrialsAsync"/>, <see cref="DeleteSweepAsync"/>) report
/// what the successful try changed: a retry after a lost commit reports nothing changed (NotFound for a delete). The
/// store's state is right either way; a running trial that was not told to stop learns it at its next lease renewal, and
/// requeued trials are admitted at the sweep's next tick.</item>
/// </list>
/// </remarks>
public sealed class ResilientTrialStore : ITrialStore, IAsyncDisposable
{
    private readonly ITrialStore _inner;
    private readonly bool _ownsInner;
    private readonly StoreRetry _calls, _attempts, _epochWrites;

    /// <param name="ownsInner">Dispose <paramref name="inner"/> with this store; false when a container owns it.</param>
    public ResilientTrialStore(ITrialStore inner, StoreResilienceOptions options, ILogger<ResilientTrialStore> logger, bool ownsInner = false)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        StoreResilienceOptionsValidator.Validate(options);
        _ownsInner = ownsInner;
        _calls = new StoreRetry(options.Calls, logger);
        _attempts = new StoreRetry(options.Attempts, logger);
        _epochWrites = new StoreRetry(options.EpochWrites, logger);
    }

    /// <summary>The store this one retries.</summary>
    public ITrialStore Inner => _inner;

    public async ValueTask DisposeAsync()
    {
        if (_ownsInner && _inner is IAsyncDisposable disposable) await disposable.DisposeAsync().ConfigureAwait(false);
    }

    private Task<T> Run<T>(StoreRetry policy, Func<ITrialStore, CancellationToken, Task<T>> call, CancellationToken ct,
        [CallerMemberName] string operation = "") =>
        policy.RunAsync(operation, c => call(_inner, c), ct);

    private Task Run(StoreRetry policy, Func<ITrialStore, CancellationToken, Task> call, CancellationToken ct,
        [CallerMemberName] string operation = "") =>
        policy.RunAsync(operation, async c =>
        {
            await call(_inner, c).ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>Creates a sweep once: a retry first checks whether the try before it stored the sweep after all.</summary>
    private Task CreateOnceAsync(SweepRecord sweep, Func<ITrialStore, CancellationToken, Task> create, CancellationToken ct,
        [CallerMemberName] string operation = "")
    {
        var tries = 0;
        return Run(_calls, async (store, c) =>
        {
            if (tries++ > 0 && await store.GetSweepAsync(sweep.Id, c).ConfigureAwait(false) is { } stored
                && stored.Name == sweep.Name && stored.SpecText == sweep.SpecText)
                return;
            await create(store, c).ConfigureAwait(false);
        }, ct, operation);
    }

    public Task MigrateAsync(CancellationToken ct = default) => Run(_calls, (s, c) => s.MigrateAsync(c), ct);

    public Task CreateSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default) =>
        CreateOnceAsync(sweep, (s, c) => s.CreateSweepAsync(sweep, trials, c), ct);
    public Task CreateForkedSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, WarmStart warmStart, CancellationToken ct = default) =>
        CreateOnceAsync(sweep, (s, c) => s.CreateForkedSweepAsync(sweep, trials, warmStart, c), ct);
    public Task<WarmStart?> GetWarmStartAsync(string sweepId, CancellationToken ct = default) =>
        Run(_attempts, (s, c) => s.GetWarmStartAsync(sweepId, c), ct);
    public Task<SweepRecord?> GetSweepAsync(string sweepId, CancellationToken ct = default) => Run(_calls, (s, c) => s.GetSweepAsync(sweepId, c), ct);
    public Task<IReadOnlyList<SweepRecord>> ListSweepsAsync(CancellationToken ct = default) => Run(_calls, (s, c) => s.ListSweepsAsync(c), ct);
    public Task SetSweepStateAsync(string sweepId, SweepState state, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.SetSweepStateAsync(sweepId, state, c), ct);
    public Task AddTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.AddTrialsAsync(sweepId, trials, c), ct);
    public Task<SweepDeletion> DeleteSweepAsync(string sweepId, CancellationToken ct = default) => Run(_calls, (s, c) => s.DeleteSweepAsync(sweepId, c), ct);

    public Task<long> StampFinishedTrialsAsync(string sweepId, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.StampFinishedTrialsAsync(sweepId, c), ct);
    public Task AddProposedTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, long proposalBasis, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.AddProposedTrialsAsync(sweepId, trials, proposalBasis, c), ct);
    public Task<IReadOnlyList<TrialProposalRecord>> GetProposalHistoryAsync(string sweepId, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.GetProposalHistoryAsync(sweepId, c), ct);
    public Task<int?> GetTrialBudgetAsync(string sweepId, CancellationToken ct = default) => Run(_calls, (s, c) => s.GetTrialBudgetAsync(sweepId, c), ct);
    public Task SetTrialBudgetAsync(string sweepId, int budget, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.SetTrialBudgetAsync(sweepId, budget, c), ct);

    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, CancellationToken ct = default) => Run(_calls, (s, c) => s.GetTrialsAsync(sweepId, c), ct);
    public Task<TrialRecord?> GetTrialAsync(string trialId, CancellationToken ct = default) => Run(_calls, (s, c) => s.GetTrialAsync(trialId, c), ct);
    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, IReadOnlyCollection<string> trialIds, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.GetTrialsAsync(sweepId, trialIds, c), ct);
    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<TrialStatus, int>>> CountTrialsByStatusAsync(CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.CountTrialsByStatusAsync(c), ct);
    public Task SetTrialStatusAsync(string trialId, TrialStatus status, string? error, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.SetTrialStatusAsync(trialId, status, error, c), ct);
    public Task<IReadOnlyList<string>> CancelTrialsAsync(string sweepId, string reason, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.CancelTrialsAsync(sweepId, reason, c), ct);
    public Task<int> RetryFailedTrialsAsync(string sweepId, CancellationToken ct = default) => Run(_calls, (s, c) => s.RetryFailedTrialsAsync(sweepId, c), ct);
    public Task SetKeptAsync(string sweepId, IReadOnlyCollection<string> keptTrialIds, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.SetKeptAsync(sweepId, keptTrialIds, c), ct);

    public Task<int?> BeginAttemptAsync(string trialId, string silo, TimeSpan lease, string? pack = null, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.BeginAttemptAsync(trialId, silo, lease, pack, c), ct);
    public Task<bool> RenewLeaseAsync(string trialId, int attempt, TimeSpan lease, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.RenewLeaseAsync(trialId, attempt, lease, c), ct);
    public Task<bool> EndAttemptAsync(string trialId, int attempt, TrialStatus status, string? error, string? outcome = null,
        CancellationToken ct = default) =>
        Run(_attempts, (s, c) => s.EndAttemptAsync(trialId, attempt, status, error, outcome, c), ct);
    public Task<IReadOnlyList<string>> AbandonAttemptsOfSiloAsync(string silo, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.AbandonAttemptsOfSiloAsync(silo, c), ct);
    public Task<IReadOnlyList<string>> ExpireLeasesAsync(string sweepId, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.ExpireLeasesAsync(sweepId, c), ct);
    public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string trialId, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.GetAttemptsAsync(trialId, c), ct);
    public Task RecordFirstBatchAsync(string trialId, int attempt, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.RecordFirstBatchAsync(trialId, attempt, c), ct);
    public Task RegisterSiloAsync(string silo, string deviceKind, int slots, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.RegisterSiloAsync(silo, deviceKind, slots, c), ct);
    public Task UnregisterSiloAsync(string silo, CancellationToken ct = default) => Run(_calls, (s, c) => s.UnregisterSiloAsync(silo, c), ct);
    public Task<IReadOnlyList<SiloSlots>> GetSlotLedgerAsync(CancellationToken ct = default) => Run(_calls, (s, c) => s.GetSlotLedgerAsync(c), ct);

    public Task<int> WriteEpochsAsync(IReadOnlyList<EpochReport> epochs, CancellationToken ct = default) =>
        Run(_epochWrites, (s, c) => s.WriteEpochsAsync(epochs, c), ct);
    public Task<IReadOnlyList<EpochReport>> GetEpochsAsync(string trialId, CancellationToken ct = default) => Run(_calls, (s, c) => s.GetEpochsAsync(trialId, c), ct);
    public Task<int> CountRedoneEpochsAsync(string sweepId, CancellationToken ct = default) => Run(_calls, (s, c) => s.CountRedoneEpochsAsync(sweepId, c), ct);
    public Task<int> CountRedoneEpochsOfTrialAsync(string trialId, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.CountRedoneEpochsOfTrialAsync(trialId, c), ct);

    public Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken ct = default) =>
        Run(_attempts, (s, c) => s.SaveCheckpointAsync(checkpoint, c), ct);
    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken ct = default) =>
        Run(_attempts, (s, c) => s.LoadCheckpointAsync(trialId, c), ct);
    public Task SaveModelAsync(StoredModel model, CancellationToken ct = default) => Run(_calls, (s, c) => s.SaveModelAsync(model, c), ct);
    public Task<StoredModel?> GetModelAsync(string trialId, CancellationToken ct = default) => Run(_calls, (s, c) => s.GetModelAsync(trialId, c), ct);

    public Task<bool> SaveSnapshotAsync(StoredCheckpoint snapshot, CancellationToken ct = default) =>
        Run(_attempts, (s, c) => s.SaveSnapshotAsync(snapshot, c), ct);
    public Task<StoredCheckpoint?> LoadSnapshotAsync(string trialId, int epoch, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.LoadSnapshotAsync(trialId, epoch, c), ct);
    public Task<IReadOnlyList<string>> GetSnapshotHoldersAsync(string sweepId, int epoch, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.GetSnapshotHoldersAsync(sweepId, epoch, c), ct);
    public Task<ExploitResult> ExploitAsync(ExploitRequest request, CancellationToken ct = default) => Run(_calls, (s, c) => s.ExploitAsync(request, c), ct);
    public Task<IReadOnlyList<ExploitRecord>> GetExploitsAsync(string sweepId, CancellationToken ct = default) =>
        Run(_calls, (s, c) => s.GetExploitsAsync(sweepId, c), ct);
}
