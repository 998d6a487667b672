namespace AeGrid.Abstractions;

/// <summary>A trial's life: Pending → Running → one of the final states. Stored as its lower-case name.</summary>
[GenerateSerializer]
public enum TrialStatus
{
    Pending = 0,
    Running = 1,
    Completed = 2,
    Diverged = 3,
    Failed = 4,
    Cancelled = 5,
    /// <summary>Stopped early by the sweep's pruner: its metrics so far were not promising.</summary>
    Pruned = 6,
}

public static class TrialStatusExtensions
{
    public static bool IsFinal(this TrialStatus status) => status is not (TrialStatus.Pending or TrialStatus.Running);
    public static string ToWire(this TrialStatus status) => status.ToString().ToLowerInvariant();
    public static TrialStatus ParseTrialStatus(string text) => Enum.Parse<TrialStatus>(text, ignoreCase: true);
}
