using AeGrid.Abstractions;
using AeGrid.Grains.Store;

namespace AeGrid.Grains.Trials;

/// <summary>
/// How a trial's earlier attempts ended, counted since it was last retried: the attempts after its last one that ended
/// failed (failed is final, so whatever follows was started by RetryFailed, which gives the trial a fresh count).
/// max_attempts limits the trial's own failures only: a hand-off (rolling deploy), an expired lease (database outage)
/// or a dead silo is not the trial's fault. Silo deaths are counted apart: a trial that kills every silo it lands on
/// (out of memory) must not be re-run forever.
/// </summary>
public sealed record AttemptHistory(int OwnFailures, int SiloDeaths)
{
    public static AttemptHistory SinceLastRetry(IReadOnlyList<AttemptRecord> attempts)
    {
        var lastFailed = attempts.Where(a => a.Outcome == TrialStatus.Failed.ToWire()).Select(a => a.Attempt).DefaultIfEmpty(0).Max();
        var since = attempts.Where(a => a.Attempt > lastFailed).ToList();
        return new AttemptHistory(
            OwnFailures: since.Count(a => a.Outcome == AttemptOutcomes.Error),
            SiloDeaths: TrailingSiloDeaths(since));
    }

    /// <summary>Silo deaths at the end of the history, in a row: an attempt that ended any other way shows the trial can
    /// run without killing its silo, so deaths before it were the silos' bad luck.</summary>
    static int TrailingSiloDeaths(List<AttemptRecord> attempts)
    {
        int deaths = 0;
        for (int i = attempts.Count - 1; i >= 0 && attempts[i].Outcome == AttemptOutcomes.SiloDead; i--) deaths++;
        return deaths;
    }
}
