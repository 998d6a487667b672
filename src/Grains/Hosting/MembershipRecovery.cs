using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace AeGrid.Grains.Hosting;

/// <summary>
/// Recovery driven by membership: when Orleans declares a silo dead, close its open attempts in the store (their trials
/// go back to pending) and poke their sweeps, so the trials resume elsewhere within seconds rather than at the next
/// reminder tick. Every silo runs this; the store makes it idempotent.
/// </summary>
public sealed partial class MembershipRecovery(
    IClusterMembershipService membership,
    ITrialStore store,
    IGrainFactory grains,
    ILogger<MembershipRecovery> logger,
    TimeSpan? firstRetryDelay = null,
    TimeSpan? maxRetryDelay = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            ClusterMembershipSnapshot? previous = null;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var update = previous is null ? snapshot.AsUpdate() : snapshot.CreateUpdate(previous);
                previous = snapshot;
                foreach (var change in update.Changes.Where(c => c.Status == SiloStatus.Dead))
                    await RecoverAsync(change.SiloAddress.ToParsableString(), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Retries until the store answers, however long the outage: giving up would leave the dead silo's trials running in
    /// the store (the sweeps' lease check is only the slower backstop), and throwing out of a BackgroundService stops the
    /// whole host, so a long database outage during a silo death would take every silo down with it.
    /// </summary>
    async Task RecoverAsync(string silo, CancellationToken ct)
    {
        var delay = firstRetryDelay ?? TimeSpan.FromSeconds(1);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var trials = await store.AbandonAttemptsOfSiloAsync(silo, ct);
                if (trials.Count == 0) return;
                LogRecovered(trials.Count, silo);
                foreach (var sweepId in trials.Select(TrialIds.SweepOf).Distinct())
                    await grains.GetGrain<ISweepGrain>(sweepId).Poke();
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogRetry(e, silo, attempt, delay.TotalSeconds);
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromSeconds(Math.Min((maxRetryDelay ?? MaxRetryDelay).TotalSeconds, delay.TotalSeconds * 2));
            }
        }
    }

    static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    [LoggerMessage(LogLevel.Warning, "Silo {Silo} was declared dead: {Count} of its trials go back to their sweeps")]
    partial void LogRecovered(int count, string silo);
    [LoggerMessage(LogLevel.Warning, "Could not yet recover the trials of dead silo {Silo} (try {Attempt}); retrying in {Seconds} s")]
    partial void LogRetry(Exception e, string silo, int attempt, double seconds);
}
