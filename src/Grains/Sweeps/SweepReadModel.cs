using AeGrid.Grains.Store;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// The sweep grain's read model: its trial views, kept current from what it is told (reports, its own admissions and
/// decisions) and from targeted store reads, with a full read now and then as the backstop for what it was not told (a
/// report lost with its silo, another process's write). The scheduler decides from it; status and the leaderboard read it.
/// </summary>
internal sealed class SweepReadModel(ITrialStore store, string sweepId, TimeSpan reconcileInterval)
{
    /// <summary>Read every trial row at the next refresh: after activation, a reopen, or a silo's loss.</summary>
    bool _fullRefreshRequested = true;
    /// <summary>Trials known to have changed (admitted, finished, requeued, proposed): the next refresh reads just these and
    /// the running ones, so it costs what changed, never the trials that finished long ago.</summary>
    HashSet<string> _changed = new();
    DateTime _lastFullRefresh;

    public SweepTrialViews Trials { get; } = new();

    public void MarkChanged(string trialId) => _changed.Add(trialId);

    public void MarkChanged(IEnumerable<string> trialIds) => _changed.UnionWith(trialIds);

    public void RequestFullRefresh() => _fullRefreshRequested = true;

    /// <summary>Reads every trial row: on activation, reopen, a silo's loss, the sweep's end, and every reconcile interval.</summary>
    public async Task RefreshAllAsync(CancellationToken ct)
    {
        _fullRefreshRequested = false;
        _changed.Clear();
        _lastFullRefresh = DateTime.UtcNow;
        foreach (var record in await store.GetTrialsAsync(sweepId, ct)) Trials.Apply(record);
    }

    /// <summary>
    /// Reads just the trials that changed: those marked, and every running one (bounded by the slots), so a finish whose
    /// report was lost still shows at the next tick. Every reconcile interval it reads every row instead.
    /// </summary>
    public async Task RefreshChangedAsync(CancellationToken ct)
    {
        if (_fullRefreshRequested || DateTime.UtcNow - _lastFullRefresh >= reconcileInterval)
        {
            await RefreshAllAsync(ct);
            return;
        }
        var ids = _changed;
        ids.UnionWith(Trials.RunningIds);
        if (ids.Count == 0) return;
        _changed = new HashSet<string>();
        try
        {
            foreach (var record in await store.GetTrialsAsync(sweepId, ids, ct)) Trials.Apply(record);
        }
        catch
        {
            _changed.UnionWith(ids); // read them at the next refresh
            throw;
        }
    }

    /// <summary>Loads the stored epochs of the trials whose views hold fewer than their rows say (after a refresh).</summary>
    public async Task LoadMissingEpochsAsync(CancellationToken ct)
    {
        foreach (var view in Trials.Values.Where(v => v.Epochs.Count < v.Record.EpochsCompleted))
            view.ReplaceEpochs(await store.GetEpochsAsync(view.Record.TrialId, ct));
    }
}
