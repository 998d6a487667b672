using AeGrid.Abstractions;
using AeGrid.Client.Output;

namespace AeGrid.Client.Report.Sweep;

/// <summary>One trial as the sweep report shows it: its summary, every stored epoch, and its rank (null when unranked).</summary>
internal sealed record TrialReportRow(TrialSummary Trial, TrialEpochHistory History, int? Rank)
{
    public string Architecture => Trial.Parameters.Architecture;
    public string ShortId => Trial.TrialId[(Trial.TrialId.LastIndexOf("-t", StringComparison.Ordinal) + 1)..];

    /// <summary>The metric of its last stored epoch: what the leaderboard ranks (for a completed trial) or where it stands.</summary>
    public double? LastValue(string metric) =>
        History.Epochs.IsEmpty ? null : History.Epochs.MaxBy(e => e.Epoch)!.Metric(metric) is { } v && double.IsFinite(v) ? v : null;
}

/// <summary>
/// Everything a sweep report draws, read once through grain calls: the status (every trial), the leaderboard, and each
/// trial's stored epochs and attempts. A running sweep gives a snapshot of where it stands at <see cref="TakenAt"/>.
/// </summary>
internal sealed record SweepReportData(SweepSummary Sweep, IReadOnlyList<TrialReportRow> Trials,
    IReadOnlyList<LeaderboardEntry> Leaderboard, HyperparameterColumns Varying, DateTimeOffset TakenAt)
{
    const int HistoryCallsAtOnce = 8;

    public string Metric => Sweep.Metric;
    public bool Maximize => Sweep.Maximize;

    /// <summary>Ranked trials first (best first), then the others by number.</summary>
    public IEnumerable<TrialReportRow> Ordered => Trials.OrderBy(t => t.Rank ?? int.MaxValue).ThenBy(t => t.Trial.Number);

    public IReadOnlyList<string> Architectures => Trials.Select(t => t.Architecture).Distinct().Order(StringComparer.Ordinal).ToList();

    public static async Task<SweepReportData> LoadAsync(ISweepGrain sweep, CancellationToken ct)
    {
        var status = await sweep.GetStatus();
        var board = await sweep.GetLeaderboard(Math.Max(1, status.Trials.Length), null);
        var ranks = board.ToDictionary(e => e.TrialId, e => e.Rank);
        // The history calls interleave on the grain, so a few at a time shorten a large sweep's report without
        // flooding the store with one query burst per trial.
        using var gate = new SemaphoreSlim(HistoryCallsAtOnce);
        var histories = await Task.WhenAll(status.Trials.Select(async trial =>
        {
            await gate.WaitAsync(ct);
            try { return await sweep.GetTrialHistory(trial.TrialId); }
            finally { gate.Release(); }
        }));
        var rows = status.Trials.Select((trial, i) =>
            new TrialReportRow(trial, histories[i], ranks.TryGetValue(trial.TrialId, out var rank) ? rank : null)).ToList();
        var varying = HyperparameterColumns.For(status.Trials.Select(t => t.Parameters), all: false);
        return new SweepReportData(status.Sweep, rows, board, varying, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Per architecture, the trial whose models the report draws: its best ranked trial, else (a sweep still running, or
    /// nothing completed) the one whose last epoch stands best; architectures with no finished epoch get none.
    /// </summary>
    public IReadOnlyList<TrialReportRow> BestOfEachArchitecture()
    {
        var best = new List<TrialReportRow>();
        foreach (var architecture in Architectures)
        {
            var candidates = Trials.Where(t => t.Architecture == architecture).ToList();
            var ranked = candidates.Where(t => t.Rank is not null).MinBy(t => t.Rank);
            var standing = candidates.Where(t => t.LastValue(Metric) is not null)
                .OrderBy(t => Maximize ? -t.LastValue(Metric)!.Value : t.LastValue(Metric)!.Value).FirstOrDefault();
            if ((ranked ?? standing) is { } chosen) best.Add(chosen);
        }
        return best;
    }
}
