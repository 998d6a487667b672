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
    ILogger<MembershipRecovery> logger) : BackgroundService
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

    async Task RecoverAsync(string silo, CancellationToken ct)
    {
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
            catch (Exception e) when (e is not OperationCanceledException && attempt < 10)
            {
                LogRetry(e, silo);
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Silo {Silo} was declared dead: {Count} of its trials go back to their sweeps")]
    partial void LogRecovered(int count, string silo);
    [LoggerMessage(LogLevel.Warning, "Could not yet recover the trials of dead silo {Silo}; retrying")]
    partial void LogRetry(Exception e, string silo);
}
