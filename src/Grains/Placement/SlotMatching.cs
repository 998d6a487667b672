using AeGrid.Grains.Store;

namespace AeGrid.Grains.Placement;

/// <summary>
/// Which slots of the ledger a trial may take, and which it prefers: the one rule admission (the sweep counts the free
/// slots its trials may use) and placement (the director picks a silo) share, so they never disagree.
/// </summary>
public static class SlotMatching
{
    /// <summary>Free slots usable by trials with this demand on the given live silos.</summary>
    public static int FreeSlots(IEnumerable<SiloSlots> ledger, ISet<string> liveSilos, DeviceDemand demand) =>
        ledger.Where(s => liveSilos.Contains(s.Silo) && demand.Accepts(s.DeviceKind)).Sum(s => s.Free);

    /// <summary>
    /// How much a demand wants a slot of this kind, higher first. An `any` trial takes a free GPU slot before a CPU
    /// slot whatever their counts: a CPU silo with two free slots must not beat a GPU silo with one.
    /// </summary>
    public static int Preference(DeviceDemand demand, string slotKind) =>
        demand == DeviceDemand.Any && slotKind == DeviceDemands.CudaKind ? 1 : 0;

    /// <summary>The demand a placement request carries (RequestContext), `any` when it carries none.</summary>
    public static DeviceDemand DemandOf(object? requestValue) =>
        requestValue is string text && DeviceDemands.TryParse(text) is { } demand ? demand : DeviceDemand.Any;
}
