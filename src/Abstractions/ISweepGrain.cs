using Orleans.Concurrency;
using System.Collections.Immutable;

namespace AeGrid.Abstractions;

/// <summary>
/// One sweep (key: sweep id): admits its trials no faster than the cluster has free slots, tracks their states,
/// prunes bad ones, retries failed attempts, and at the end keeps the best models. Its state lives in the store;
/// a durable reminder brings it back after every silo restarts.
/// </summary>
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Starts scheduling a sweep already created in the store (called by the directory). Idempotent.</summary>
    Task Start();
    Task<SweepStatusReport> GetStatus();
    Task<ImmutableArray<LeaderboardEntry>> GetLeaderboard(int top, string? metric);
    /// <summary>Cancels pending trials and stops running ones within a batch.</summary>
    Task Cancel();
    /// <summary>Sets failed (and diverged if asked) trials back to pending and runs them again; returns how many.</summary>
    Task<int> RetryFailed();
    /// <summary>Adds <paramref name="trials"/> more trials drawn by the sweep's sampler (random search), continuing its sequence.</summary>
    Task<int> Extend(int trials);

    // ---- read-only views for reports: they read the store only, never the grain's fields, so they may run between the
    // scheduler's turns without waiting for it (a report of a busy sweep answers at once).
    /// <summary>One trial's every epoch and attempt; an id outside this sweep is refused.</summary>
    [AlwaysInterleave] Task<TrialEpochHistory> GetTrialHistory(string trialId);
    /// <summary>The weights to draw a trial with: its kept model, else its latest checkpoint; null when it has neither yet.</summary>
    [AlwaysInterleave] Task<TrialWeights?> GetTrialWeights(string trialId);
    /// <summary>Deletes the sweep with its trials, epochs, attempts, checkpoints and models; false (nothing deleted) while it runs.</summary>
    Task<bool> Delete();

    // ---- called by trial grains: one-way notices only. The sweep awaits calls to its trials (Start, Stop); a trial that
    // awaited the sweep could wait on a sweep that waits on it, until the 30 s call timeout. What the sweep decides about
    // an epoch goes back to the trial as a call of its own (ITrialGrain.ApplyVerdict); a notice lost with a sweep's silo is
    // caught up by the sweep's reconcile, which reads the store.
    // Each report names its attempt; the sweep ignores a report from an attempt older than the trial's current one (a
    // zombie of a silo presumed dead), as the store ignores its writes.
    /// <summary>
    /// An epoch finished. The sweep answers every report with <see cref="ITrialGrain.ApplyVerdict"/> (train on, pruned, or
    /// exploited); the trial reports its next epoch only after that answer, so its reports never pile up here.
    /// </summary>
    [OneWay] Task ReportEpoch(EpochReport report);
    [OneWay] Task ReportProgress(string trialId, TrialProgress progress);
    /// <summary>Attempt <paramref name="attempt"/> ended with <paramref name="status"/> (Pending when it should be re-admitted).</summary>
    [OneWay] Task ReportFinished(string trialId, int attempt, TrialStatus status, string? error);
    /// <summary>Look again at the store now (a silo died, a slot freed up).</summary>
    [OneWay] Task Poke();
}
