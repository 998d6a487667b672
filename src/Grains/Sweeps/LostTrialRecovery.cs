using AeGrid.Grains.Hosting;
using AeGrid.Grains.Store;
using Orleans.Runtime;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// The scheduler's recovery of trials whose owner is gone, before it admits: trials on silos that membership declared dead
/// or that have been absent for <see cref="TrainingSiloOptions.AbsentSiloGrace"/>, and trials whose lease ran out.
/// </summary>
internal sealed class LostTrialRecovery(ITrialStore store, IClusterMembershipService membership, TrainingSiloOptions options)
{
    /// <summary>When this activation first saw each absent silo that still has running trials of the sweep.</summary>
    readonly Dictionary<string, DateTime> _absentSince = new();

    /// <summary>
    /// Membership drives recovery (see <see cref="MembershipRecovery"/>); this is the sweep's own check for the cases that
    /// service cannot see, e.g. after the whole cluster restarted and old silos are simply absent. A silo that is shutting
    /// down is still present: it is writing its trials' hand-off checkpoints and ends their attempts itself.
    /// Returns, per lost silo, the trials set back to pending (ids of other sweeps' trials included: the caller's read skips them).
    /// </summary>
    public async Task<IReadOnlyList<(string Silo, IReadOnlyList<string> Requeued)>> RecoverTrialsOfLostSilosAsync(
        SweepTrialViews trials, CancellationToken ct)
    {
        var snapshot = membership.CurrentSnapshot;
        var now = DateTime.UtcNow;
        var lost = new List<string>();
        var runningOn = trials.RunningIds.Select(id => trials[id].Record.Silo).OfType<string>().ToHashSet();
        foreach (var silo in runningOn)
        {
            var member = snapshot.Members.Values.FirstOrDefault(m => m.SiloAddress.ToParsableString() == silo);
            if (member is { Status: SiloStatus.Dead }) lost.Add(silo);
            else if (member is not null) _absentSince.Remove(silo);
            else if (now - _absentSince.GetValueOrDefault(silo, now) >= options.AbsentSiloGrace) lost.Add(silo);
            else _absentSince.TryAdd(silo, now);
        }
        foreach (var silo in _absentSince.Keys.Where(s => !runningOn.Contains(s)).ToList()) _absentSince.Remove(silo);

        var recovered = new List<(string, IReadOnlyList<string>)>();
        foreach (var silo in lost)
        {
            recovered.Add((silo, await store.AbandonAttemptsOfSiloAsync(silo, ct)));
            _absentSince.Remove(silo);
        }
        return recovered;
    }

    /// <summary>
    /// The backstop for owners that cannot renew their lease: a database outage longer than the lease (the owner fenced
    /// itself out when its lease ran out), or a silo frozen but still a member. Their trials go back to pending.
    /// </summary>
    public async Task<IReadOnlyList<string>> ExpireLeasesAsync(string sweepId, SweepTrialViews trials, CancellationToken ct) =>
        trials.RunningIds.Count == 0 ? [] : await store.ExpireLeasesAsync(sweepId, ct);
}
