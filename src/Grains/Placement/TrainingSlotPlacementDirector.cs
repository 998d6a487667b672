using AeGrid.Grains.Store;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace AeGrid.Grains.Placement;

/// <summary>
/// Picks, among the silos Orleans considers compatible (alive, with the grain type), the one with the most free
/// slots of the wanted device kind in the slot ledger. The ledger is read at most every <see cref="CacheFor"/> and
/// adjusted locally for placements made since, so a burst of admissions spreads out; but a view with no free slot is
/// read again at once, because the sweep only admits a trial after it saw a slot free up (otherwise a full cluster's
/// stale view sends the trial to a busy silo, which refuses it, and the free slot idles until the sweep's next tick).
/// The trial still claims its slot in the store on activation, which is what actually guarantees capacity.
/// </summary>
public sealed class TrainingSlotPlacementDirector(ITrialStore store) : IPlacementDirector
{
    static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(500);
    readonly SemaphoreSlim _refresh = new(1, 1);
    Dictionary<string, SiloSlots> _ledger = new();
    readonly Dictionary<string, int> _placedSinceRefresh = new();
    DateTime _readAt = DateTime.MinValue;

    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        if (compatible.Length == 0) throw new OrleansException("no silo can host trial grains");
        var wantedKind = target.RequestContextData?.TryGetValue(TrainingSlotPlacement.DeviceKindKey, out var kind) == true
            ? kind as string : null;
        var avoid = target.RequestContextData?.TryGetValue(TrainingSlotPlacement.AvoidSiloKey, out var avoided) == true
            ? avoided as string : null;

        await _refresh.WaitAsync();
        try
        {
            bool readNow = DateTime.UtcNow - _readAt > CacheFor;
            if (readNow) await RefreshAsync();
            var (best, bestFree) = MostFree(compatible, wantedKind, avoid);
            if (bestFree <= 0 && !readNow)
            {
                await RefreshAsync();
                (best, bestFree) = MostFree(compatible, wantedKind, avoid);
            }
            // With no free slot anywhere we still must return a silo: the trial's claim will then refuse and the sweep retries.
            best ??= compatible[Random.Shared.Next(compatible.Length)];
            var key = best.ToParsableString();
            _placedSinceRefresh[key] = _placedSinceRefresh.GetValueOrDefault(key) + 1;
            return best;
        }
        finally
        {
            _refresh.Release();
        }
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
    (SiloAddress? Best, int Free) MostFree(SiloAddress[] compatible, string? wantedKind, string? avoid)
    {
        SiloAddress? best = null;
        int bestFree = int.MinValue;
        double bestScore = double.MinValue;
        foreach (var silo in compatible)
        {
            if (!_ledger.TryGetValue(silo.ToParsableString(), out var slots)) continue; // registered no slots
            if (wantedKind is not null && slots.DeviceKind != wantedKind) continue;
            int free = slots.Free - _placedSinceRefresh.GetValueOrDefault(slots.Silo);
            double score = free - (slots.Silo == avoid ? 0.5 : 0);
            if (score > bestScore || (score == bestScore && Random.Shared.Next(2) == 0))
            {
                best = silo;
                bestFree = free;
                bestScore = score;
            }
        }
        return (best, bestFree);
    }
}
