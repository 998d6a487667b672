using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>Argument checks and error messages shared by both stores, so they fail alike.</summary>
internal static class StoreChecks
{
    public static void TrialsBelongTo(string sweepId, IReadOnlyList<TrialConfig> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        foreach (var trial in trials)
            if (trial.SweepId != sweepId)
                throw new ArgumentException($"trial '{trial.TrialId}' belongs to sweep '{trial.SweepId}', not '{sweepId}'", nameof(trials));
        var repeated = trials.GroupBy(t => t.TrialId).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new ArgumentException($"trial id '{repeated.Key}' appears {repeated.Count()} times", nameof(trials));
    }

    /// <summary>A forked sweep names its origin and brings its own weights.</summary>
    public static void ForkFits(SweepRecord sweep, WarmStart warmStart)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(warmStart);
        if (sweep.ForkedFrom is null) throw new ArgumentException($"sweep '{sweep.Id}' has no origin (ForkedFrom)", nameof(sweep));
        if (warmStart.SweepId != sweep.Id)
            throw new ArgumentException($"the warm start is for sweep '{warmStart.SweepId}', not '{sweep.Id}'", nameof(warmStart));
        if (warmStart.Weights is not { Length: > 0 }) throw new ArgumentException("the warm start has no weights", nameof(warmStart));
    }

    public static void PositiveLease(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "a lease must be longer than zero");
    }

    public static void SiloRegistration(string silo, string deviceKind, int slots)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceKind);
        if (slots < 0)
            throw new ArgumentOutOfRangeException(nameof(slots), slots, $"silo '{silo}' cannot have a negative number of slots");
    }

    /// <summary>The rows to write, one per (trial, epoch), the last one given winning: the store's one duplicate rule.</summary>
    public static List<EpochReport> LastPerTrialAndEpoch(IReadOnlyList<EpochReport> epochs)
    {
        var last = new Dictionary<(string, int), int>();
        for (var i = 0; i < epochs.Count; i++)
        {
            var row = epochs[i] ?? throw new ArgumentException($"epoch row {i} is null", nameof(epochs));
            last[(row.TrialId, row.Epoch)] = i;
        }
        return last.Count == epochs.Count ? [.. epochs] : [.. last.Values.Order().Select(i => epochs[i])];
    }

    public static KeyNotFoundException NoSweep(string sweepId) => new($"sweep '{sweepId}' does not exist in the store");

    public static KeyNotFoundException NoTrial(string trialId) => new($"trial '{trialId}' does not exist in the store");

    public static InvalidOperationException NumberTaken(TrialConfig trial, Exception inner) =>
        new($"sweep '{trial.SweepId}' already has a trial number {trial.Number} under another id than '{trial.TrialId}'", inner);
}
