namespace AeGrid.Grains.Placement;

/// <summary>
/// Which slots a sweep's trials may run on, from the sweep file's <c>device</c> key and stored per trial as
/// <c>trials.device</c> ('cpu', 'cuda', 'any'), the column the Kubernetes autoscaler counts.
/// </summary>
public enum DeviceDemand
{
    /// <summary>A GPU slot when one is free, else a CPU slot.</summary>
    Any,
    /// <summary>Only CPU slots.</summary>
    Cpu,
    /// <summary>Only GPU slots: the trial waits for one rather than run on a CPU.</summary>
    Cuda,
}

/// <summary>Wire names of <see cref="DeviceDemand"/> and of the slot kinds silos offer.</summary>
public static class DeviceDemands
{
    /// <summary>Slot kinds a silo registers (<c>silos.device_kind</c>).</summary>
    public const string CpuKind = "cpu", CudaKind = "cuda";

    /// <summary>The values <c>device:</c> takes in a sweep file, as stored in <c>trials.device</c>.</summary>
    public static readonly IReadOnlyList<string> Names = ["any", "cpu", "cuda"];

    public static string ToWire(this DeviceDemand demand) => demand switch
    {
        DeviceDemand.Cpu => "cpu",
        DeviceDemand.Cuda => "cuda",
        _ => "any",
    };

    /// <summary>The demand a wire name stands for; null for anything else (the caller names the key in its error).</summary>
    public static DeviceDemand? TryParse(string text) => text switch
    {
        "any" => DeviceDemand.Any,
        "cpu" => DeviceDemand.Cpu,
        "cuda" => DeviceDemand.Cuda,
        _ => null,
    };

    /// <summary>The one slot kind a strict demand needs; null for <see cref="DeviceDemand.Any"/>.</summary>
    public static string? RequiredKind(this DeviceDemand demand) => demand switch
    {
        DeviceDemand.Cpu => CpuKind,
        DeviceDemand.Cuda => CudaKind,
        _ => null,
    };

    /// <summary>Whether a slot of <paramref name="slotKind"/> may run a trial with this demand.</summary>
    public static bool Accepts(this DeviceDemand demand, string slotKind) =>
        demand.RequiredKind() is not { } required || required == slotKind;
}
