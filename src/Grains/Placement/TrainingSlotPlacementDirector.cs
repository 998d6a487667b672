using AeGrid.Grains.Store;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace AeGrid.Grains.Placement;

/// <summary>
/// Picks, among the silos Orleans considers compatible (alive, with the grain type), the one with the most free
/// slots the trial's <see cref="DeviceDemand"/> accepts in the slot ledger; an `any` trial takes a free GPU slot first
/// (<see cref="SlotMatching.Preference"/>). The ledger is read at most every <see cref="CacheFor"/> and
/// adjusted locally for placements made since, so a burst of admissions spreads out; but a view with no free slot is
/// read again at once, because the sweep only admits a trial after it saw a slot free up (otherwise a full cluster's
/// stale view sends the trial to a busy silo, which refuses it, and the free slot idles until the sweep's next tick).
/// The trial still claims its slot in the store on activation, which is what actually guarantees capacity.
/// Members of a fused pack (<see cref="TrainingSlotPlacement.PackKey"/>) all go where the first was placed: the sweep
/// admits a pack from one grain, so the one director on its silo places every member, moments apart.
/// </summary>
public sealed class TrainingSlotPlacementDirector(ITrialStore store) : IPlacementDirector
{
    static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(500);
    readonly SemaphoreSlim _refresh = new(1, 1);
    Dictionary<string, SiloSlots> _ledger = new();
    readonly Dictionary<string, int> _placedSinceRefresh = new();
    DateTime _readAt = DateTime.MinValue;
    /// <summary>Where each recent pack went; forgotten after <see cref="RememberPacksFor"/> (its members are placed by then).</summary>
    readonly Dictionary<string, (SiloAddress Silo, DateTime PlacedAt)> _packs = new();
    static readonly TimeSpan RememberPacksFor = TimeSpan.FromMinutes(2);

    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        if (compatible.Length == 0) throw new OrleansException("no silo can host trial grains");
        var demand = SlotMatching.DemandOf(target.RequestContextData?.GetValueOrDefault(TrainingSlotPlacement.DeviceKindKey));
        var avoid = target.RequestContextData?.TryGetValue(TrainingSlotPlacement.AvoidSiloKey, out var avoided) == true
            ? avoided as string : null;
        var pack = target.RequestContextData?.GetValueOrDefault(TrainingSlotPlacement.PackKey) as string;

        await _refresh.WaitAsync();
        try
        {
            ForgetOldPacks();
            if (pack is not null && _packs.TryGetValue(pack, out var placed) && compatible.Contains(placed.Silo)) return placed.Silo;
            bool readNow = DateTime.UtcNow - _readAt > CacheFor;
            if (readNow) await RefreshAsync();
            var (best, bestFree) = MostFree(compatible, demand, avoid);
            if (bestFree <= 0 && !readNow)
            {
                await RefreshAsync();
                (best, bestFree) = MostFree(compatible, demand, avoid);
            }
            // With no free slot anywhere we still must return a silo: the trial's claim will then refuse and the sweep retries.
            // Never one of the wrong kind, though: its claim would succeed and a `cuda` trial would train on a CPU.
            best ??= Fallback(compatible, demand);
            var key = best.ToParsableString();
            _placedSinceRefresh[key] = _placedSinceRefresh.GetValueOrDefault(key) + 1;
            if (pack is not null) _packs[pack] = (best, DateTime.UtcNow);
            return best;
        }
        finally
        {
            _refresh.Release();
        }
    }

    void ForgetOldPacks()
    {
        if (_packs.Count == 0) return;
        var cutoff = DateTime.UtcNow - RememberPacksFor;
        foreach (var old in _packs.Where(p => p.Value.PlacedAt < cutoff).Select(p => p.Key).ToList()) _packs.Remove(old);
    }

    async Task RefreshAsync()
    {
        _ledger = (await store.GetSlotLedgerAsync()).ToDictionary(s => s.Silo);
        _placedSinceRefresh.Clear();
        _readAt = DateTime.UtcNow;
    }

    /// <summary>
    /// The compatible silo with the most free slots of the wanted kind. The silo to avoid (where the trial's last attempt
    /// failed) loses ties with any silo as free as it, but still wins a slot only it has.
    /// </summary>
    (SiloAddress? Best, int Free) MostFree(SiloAddress[] compatible, DeviceDemand demand, string? avoid)
    {
        SiloAddress? best = null;
        int bestFree = int.MinValue;
        double bestScore = double.MinValue;
        foreach (var silo in compatible)
        {
            if (!_ledger.TryGetValue(silo.ToParsableString(), out var slots)) continue; // registered no slots
            if (!demand.Accepts(slots.DeviceKind)) continue;
            int free = slots.Free - _placedSinceRefresh.GetValueOrDefault(slots.Silo);
            double score = free - (slots.Silo == avoid ? 0.5 : 0) + (free > 0 ? PreferenceWeight * SlotMatching.Preference(demand, slots.DeviceKind) : 0);
            if (score > bestScore || (score == bestScore && Random.Shared.Next(2) == 0))
            {
                best = silo;
                bestFree = free;
                bestScore = score;
            }
        }
        return (best, bestFree);
    }

    /// <summary>Outweighs any difference in free slots, so preference decides first and free slots break its ties.</summary>
    const double PreferenceWeight = 1_000_000;

    /// <summary>
    /// A silo whose claim will refuse (full, or not in the ledger), for a trial that must be placed somewhere: any
    /// compatible silo the demand accepts or that registered no slots, never one of the wrong kind.
    /// </summary>
    SiloAddress Fallback(SiloAddress[] compatible, DeviceDemand demand)
    {
        var allowed = compatible
            .Where(s => !_ledger.TryGetValue(s.ToParsableString(), out var slots) || demand.Accepts(slots.DeviceKind)).ToArray();
        if (allowed.Length == 0)
            throw new OrleansException($"no live silo offers {demand.ToWire()} slots for this trial; it stays pending");
        return allowed[Random.Shared.Next(allowed.Length)];
    }
}
