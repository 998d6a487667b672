using AeGrid.Abstractions;
using AeGrid.Grains.Pruners;
using AeGrid.Grains.Store;

namespace AeGrid.Grains.Sweeps;

/// <summary>What the sweep grain knows of one trial between store reads.</summary>
internal sealed class TrialView(TrialRecord record)
{
    TrialHistory? _history;

    public TrialRecord Record { get; private set; } = record;
    readonly List<EpochReport> _epochs = new();

    public IReadOnlyList<EpochReport> Epochs => _epochs;
    public TrialProgress? Live { get; set; }
    public TrialConfig Config => new(Record.TrialId, Record.SweepId, Record.Number, Record.Parameters);

    /// <summary>The pruner's view of this trial, built again only after its epochs or status changed: a pruner asks for
    /// every trial's history at every epoch report, which would otherwise rebuild all of them each time.</summary>
    public TrialHistory History(string metric) =>
        _history ??= TrialHistory.FromReports(Record.TrialId, Record.Status, _epochs, metric);

    /// <summary>An epoch report of the current attempt; a resumed attempt re-reports from its checkpoint, so it replaces
    /// that epoch and any after it.</summary>
    public void AddEpoch(EpochReport report)
    {
        _epochs.RemoveAll(e => e.Epoch >= report.Epoch);
        _epochs.Add(report);
        _history = null;
    }

    public void ReplaceEpochs(IEnumerable<EpochReport> epochs)
    {
        _epochs.Clear();
        _epochs.AddRange(epochs);
        _history = null;
    }

    /// <summary>Only through <see cref="SweepTrialViews.Apply"/>, which keeps its indexes in step.</summary>
    internal void SetRecord(TrialRecord record)
    {
        if (record.Status != Record.Status) _history = null;
        Record = record;
    }
}

/// <summary>
/// The sweep grain's trial views with the indexes its scheduler asks for at every tick (pending by number, running),
/// kept in step with each row applied: the scheduler's work per admission stays with the pending and running trials,
/// whatever number of trials already finished.
/// </summary>
internal sealed class SweepTrialViews
{
    readonly Dictionary<string, TrialView> _byId = new();
    readonly SortedDictionary<int, TrialView> _pending = new();
    readonly HashSet<string> _running = new();

    public int Count => _byId.Count;
    public IEnumerable<TrialView> Values => _byId.Values;
    public TrialView this[string trialId] => _byId[trialId];
    public bool TryGetValue(string trialId, out TrialView view) => _byId.TryGetValue(trialId, out view!);

    /// <summary>Pending trials, lowest number first.</summary>
    public IEnumerable<TrialView> Pending => _pending.Values;
    public IReadOnlyCollection<string> RunningIds => _running;
    public int PendingCount => _pending.Count;
    public bool AllFinal => _pending.Count == 0 && _running.Count == 0;

    /// <summary>Takes a trial's row as read from the store (or as this grain just made it).</summary>
    public TrialView Apply(TrialRecord record)
    {
        if (_byId.TryGetValue(record.TrialId, out var view))
        {
            Unindex(view);
            view.SetRecord(record);
        }
        else _byId[record.TrialId] = view = new TrialView(record);
        if (record.Status == TrialStatus.Pending) _pending[record.Number] = view;
        else if (record.Status == TrialStatus.Running) _running.Add(record.TrialId);
        if (record.Status != TrialStatus.Running) view.Live = null;
        return view;
    }

    void Unindex(TrialView view)
    {
        if (_pending.TryGetValue(view.Record.Number, out var pending) && pending == view) _pending.Remove(view.Record.Number);
        _running.Remove(view.Record.TrialId);
    }
}
