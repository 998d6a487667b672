using AeGrid.Abstractions;
using AeGrid.Grains.Store;

namespace AeGrid.TestSupport;

/// <summary>
/// Wraps a real store and makes its epoch and checkpoint writes fail (or wait) on demand, to test the writers' retries
/// and back-pressure against real storage, and checkpoint loads of chosen trials fail, to make a trial attempt fail on a
/// real silo. Everything else passes straight through.
/// </summary>
public sealed class FaultInjectingTrialStore(ITrialStore inner) : ITrialStore
{
    private int _failuresLeft;
    private readonly Lock _lock = new();
    private readonly List<int> _epochBatchSizes = [];
    private readonly Dictionary<string, int> _failedLoads = [];

    /// <summary>The next <paramref name="count"/> epoch/checkpoint writes throw before reaching the store.</summary>
    public void FailNextWrites(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    /// <summary>While set and closed, epoch/checkpoint writes wait for it (a store that hangs).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int FailedWrites { get; private set; }

    /// <summary>When set, the silo registers its slots as this kind ("cuda") while it trains on the CPU: a GPU silo for
    /// placement tests on machines without one.</summary>
    public string? RegisterAsKind { get; set; }

    /// <summary>While set, loading the checkpoint of a trial it accepts throws, as every attempt of that trial starts
    /// with that load. Set it back to null and the trial's next attempt runs normally.</summary>
    public Func<string, bool>? FailCheckpointLoadsOf { get; set; }

    /// <summary>While set, saving a checkpoint of a trial it accepts throws an error no retry can fix (a disk or a bug), so
    /// the trial's relay loop fails while its training thread is still running.</summary>
    public Func<string, bool>? FailCheckpointSavesOf { get; set; }

    /// <summary>The next this-many SetKeptAsync calls throw (a database gone while the sweep keeps its best models).</summary>
    public int FailNextSetKept;

    /// <summary>How many checkpoint loads <see cref="FailCheckpointLoadsOf"/> made fail, by trial id.</summary>
    public IReadOnlyDictionary<string, int> FailedCheckpointLoads
    {
        get { lock (_lock) return new Dictionary<string, int>(_failedLoads); }
    }

    /// <summary>Sizes of the epoch batches that reached the store.</summary>
    public IReadOnlyList<int> EpochBatchSizes
    {
        get { lock (_lock) return [.. _epochBatchSizes]; }
    }

    private async Task BeforeWriteAsync(CancellationToken ct)
    {
        if (Gate is { } gate) await gate.Task.WaitAsync(ct);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            lock (_lock) FailedWrites++;
            throw new TimeoutException("injected fault: the store did not answer");
        }
        Interlocked.Exchange(ref _failuresLeft, 0);
    }

    public async Task<int> WriteEpochsAsync(IReadOnlyList<EpochReport> epochs, CancellationToken ct = default)
    {
        await BeforeWriteAsync(ct);
        var written = await inner.WriteEpochsAsync(epochs, ct);
        lock (_lock) _epochBatchSizes.Add(epochs.Count);
        return written;
    }

    public async Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken ct = default)
    {
        if (FailCheckpointSavesOf is { } fails && fails(checkpoint.TrialId))
            throw new InvalidOperationException($"injected fault: the checkpoint of {checkpoint.TrialId} cannot be saved");
        await BeforeWriteAsync(ct);
        return await inner.SaveCheckpointAsync(checkpoint, ct);
    }

    public Task MigrateAsync(CancellationToken ct = default) => inner.MigrateAsync(ct);
    public Task CreateSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default) => inner.CreateSweepAsync(sweep, trials, ct);
    public Task CreateForkedSweepAsync(SweepRecord sweep, IReadOnlyList<TrialConfig> trials, WarmStart warmStart, CancellationToken ct = default) =>
        inner.CreateForkedSweepAsync(sweep, trials, warmStart, ct);
    public Task<WarmStart?> GetWarmStartAsync(string sweepId, CancellationToken ct = default) => inner.GetWarmStartAsync(sweepId, ct);
    public Task<SweepRecord?> GetSweepAsync(string sweepId, CancellationToken ct = default) => inner.GetSweepAsync(sweepId, ct);
    public Task<IReadOnlyList<SweepRecord>> ListSweepsAsync(CancellationToken ct = default) => inner.ListSweepsAsync(ct);
    public Task SetSweepStateAsync(string sweepId, SweepState state, CancellationToken ct = default) => inner.SetSweepStateAsync(sweepId, state, ct);
    public Task AddTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, CancellationToken ct = default) => inner.AddTrialsAsync(sweepId, trials, ct);
    public Task<long> StampFinishedTrialsAsync(string sweepId, CancellationToken ct = default) => inner.StampFinishedTrialsAsync(sweepId, ct);
    public Task AddProposedTrialsAsync(string sweepId, IReadOnlyList<TrialConfig> trials, long proposalBasis, CancellationToken ct = default) =>
        inner.AddProposedTrialsAsync(sweepId, trials, proposalBasis, ct);
    public Task<IReadOnlyList<TrialProposalRecord>> GetProposalHistoryAsync(string sweepId, CancellationToken ct = default) => inner.GetProposalHistoryAsync(sweepId, ct);
    public Task<int?> GetTrialBudgetAsync(string sweepId, CancellationToken ct = default) => inner.GetTrialBudgetAsync(sweepId, ct);
    public Task SetTrialBudgetAsync(string sweepId, int budget, CancellationToken ct = default) => inner.SetTrialBudgetAsync(sweepId, budget, ct);
    public Task<SweepDeletion> DeleteSweepAsync(string sweepId, CancellationToken ct = default) => inner.DeleteSweepAsync(sweepId, ct);
    public async Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, CancellationToken ct = default) =>
        CountRead(await inner.GetTrialsAsync(sweepId, ct));
    public async Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string sweepId, IReadOnlyCollection<string> trialIds, CancellationToken ct = default) =>
        CountRead(await inner.GetTrialsAsync(sweepId, trialIds, ct));
    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<TrialStatus, int>>> CountTrialsByStatusAsync(CancellationToken ct = default) =>
        inner.CountTrialsByStatusAsync(ct);

    private long _trialRowsRead;

    /// <summary>Trial rows returned by the GetTrials… reads so far: what keeping a sweep's view current costs.</summary>
    public long TrialRowsRead => Interlocked.Read(ref _trialRowsRead);

    private IReadOnlyList<TrialRecord> CountRead(IReadOnlyList<TrialRecord> rows)
    {
        Interlocked.Add(ref _trialRowsRead, rows.Count);
        return rows;
    }
    public Task<TrialRecord?> GetTrialAsync(string trialId, CancellationToken ct = default) => inner.GetTrialAsync(trialId, ct);
    public Task SetTrialStatusAsync(string trialId, TrialStatus status, string? error, CancellationToken ct = default) => inner.SetTrialStatusAsync(trialId, status, error, ct);
    public Task SetKeptAsync(string sweepId, IReadOnlyCollection<string> keptTrialIds, CancellationToken ct = default) =>
        Interlocked.Decrement(ref FailNextSetKept) >= 0
            ? throw new TimeoutException("injected fault: the store did not answer while the sweep kept its models")
            : inner.SetKeptAsync(sweepId, keptTrialIds, ct);
    public Task<int?> BeginAttemptAsync(string trialId, string silo, TimeSpan lease, string? pack = null, CancellationToken ct = default) =>
        inner.BeginAttemptAsync(trialId, silo, lease, pack, ct);
    public Task<bool> RenewLeaseAsync(string trialId, int attempt, TimeSpan lease, CancellationToken ct = default) => inner.RenewLeaseAsync(trialId, attempt, lease, ct);
    public Task<bool> EndAttemptAsync(string trialId, int attempt, TrialStatus status, string? error, string? outcome = null, CancellationToken ct = default) => inner.EndAttemptAsync(trialId, attempt, status, error, outcome, ct);
    public Task<IReadOnlyList<string>> CancelTrialsAsync(string sweepId, string reason, CancellationToken ct = default) => inner.CancelTrialsAsync(sweepId, reason, ct);
    public Task<int> RetryFailedTrialsAsync(string sweepId, CancellationToken ct = default) => inner.RetryFailedTrialsAsync(sweepId, ct);
    public Task<IReadOnlyList<string>> ExpireLeasesAsync(string sweepId, CancellationToken ct = default) => inner.ExpireLeasesAsync(sweepId, ct);
    /// <summary>The next this-many AbandonAttemptsOfSiloAsync calls throw (a database outage while a silo dies).</summary>
    public int FailNextAbandons;

    public Task<IReadOnlyList<string>> AbandonAttemptsOfSiloAsync(string silo, CancellationToken ct = default) =>
        Interlocked.Decrement(ref FailNextAbandons) >= 0
            ? throw new TimeoutException("injected fault: the store did not answer")
            : inner.AbandonAttemptsOfSiloAsync(silo, ct);
    public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string trialId, CancellationToken ct = default) => inner.GetAttemptsAsync(trialId, ct);
    public Task RecordFirstBatchAsync(string trialId, int attempt, CancellationToken ct = default) => inner.RecordFirstBatchAsync(trialId, attempt, ct);
    public Task RegisterSiloAsync(string silo, string deviceKind, int slots, CancellationToken ct = default) =>
        inner.RegisterSiloAsync(silo, RegisterAsKind ?? deviceKind, slots, ct);
    public Task UnregisterSiloAsync(string silo, CancellationToken ct = default) => inner.UnregisterSiloAsync(silo, ct);
    public Task<IReadOnlyList<SiloSlots>> GetSlotLedgerAsync(CancellationToken ct = default) => inner.GetSlotLedgerAsync(ct);
    public Task<IReadOnlyList<EpochReport>> GetEpochsAsync(string trialId, CancellationToken ct = default) => inner.GetEpochsAsync(trialId, ct);
    public Task<int> CountRedoneEpochsAsync(string sweepId, CancellationToken ct = default) => inner.CountRedoneEpochsAsync(sweepId, ct);
    public Task<int> CountRedoneEpochsOfTrialAsync(string trialId, CancellationToken ct = default) => inner.CountRedoneEpochsOfTrialAsync(trialId, ct);
    public Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken ct = default)
    {
        if (FailCheckpointLoadsOf is { } fails && fails(trialId))
        {
            lock (_lock) _failedLoads[trialId] = _failedLoads.GetValueOrDefault(trialId) + 1;
            throw new IOException($"injected fault: the checkpoint of {trialId} cannot be read");
        }
        return inner.LoadCheckpointAsync(trialId, ct);
    }

    public Task SaveModelAsync(StoredModel model, CancellationToken ct = default) => inner.SaveModelAsync(model, ct);
    public Task<StoredModel?> GetModelAsync(string trialId, CancellationToken ct = default) => inner.GetModelAsync(trialId, ct);
    public Task<bool> SaveSnapshotAsync(StoredCheckpoint snapshot, CancellationToken ct = default) => inner.SaveSnapshotAsync(snapshot, ct);
    public Task<StoredCheckpoint?> LoadSnapshotAsync(string trialId, int epoch, CancellationToken ct = default) => inner.LoadSnapshotAsync(trialId, epoch, ct);
    public Task<IReadOnlyList<string>> GetSnapshotHoldersAsync(string sweepId, int epoch, CancellationToken ct = default) => inner.GetSnapshotHoldersAsync(sweepId, epoch, ct);
    public Task<ExploitResult> ExploitAsync(ExploitRequest request, CancellationToken ct = default) => inner.ExploitAsync(request, ct);
    public Task<IReadOnlyList<ExploitRecord>> GetExploitsAsync(string sweepId, CancellationToken ct = default) => inner.GetExploitsAsync(sweepId, ct);
}
