namespace AeGrid.Grains.Hosting;

/// <summary>
/// What a readiness probe needs beyond membership: whether this silo's slots are in the ledger, and whether it has begun
/// draining (its slots taken out so that no trial is placed here again). Set by <see cref="SlotRegistration"/>.
/// </summary>
public sealed class SiloReadiness
{
    volatile bool _slotsRegistered;
    volatile bool _draining;

    /// <summary>True once the slots are in the ledger (at once for a silo that does not train: it has none to offer).</summary>
    public bool SlotsRegistered => _slotsRegistered;
    /// <summary>True from the moment shutdown starts taking the slots out; never false again in this process.</summary>
    public bool Draining => _draining;

    public void MarkRegistered() => _slotsRegistered = true;
    public void MarkDraining() => _draining = true;
}
