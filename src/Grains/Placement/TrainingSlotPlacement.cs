using Orleans.Placement;

namespace AeGrid.Grains.Placement;

/// <summary>
/// Places a grain on a silo that has a free training slot of the kind it needs, as read from the store's slot ledger.
/// Silo metadata cannot carry free slots (it is fixed while a silo runs), so the ledger is app-level.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class TrainingSlotPlacement : PlacementStrategy
{
    public static readonly TrainingSlotPlacement Instance = new();

    /// <summary>RequestContext key carrying the trial's <see cref="DeviceDemand"/> ("cpu", "cuda", "any"; absent: any).</summary>
    public const string DeviceKindKey = "aegrid.device-kind";

    /// <summary>RequestContext key naming a silo to avoid when another has a free slot (where the last attempt failed).</summary>
    public const string AvoidSiloKey = "aegrid.avoid-silo";

    /// <summary>RequestContext key carrying a fused pack's id (<c>PackAssignment.Id</c>): every member goes to the silo its
    /// first member was placed on, where they share one slot.</summary>
    public const string PackKey = "aegrid.pack";
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TrainingSlotPlacementAttribute() : PlacementAttribute(TrainingSlotPlacement.Instance);
