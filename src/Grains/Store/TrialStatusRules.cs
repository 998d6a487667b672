using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>Which status changes the stores allow when two parties decide about one trial at once.</summary>
public static class TrialStatusRules
{
    /// <summary>
    /// A sweep's cancel marks running trials cancelled at once (so nobody reads a cancelled sweep with a running trial);
    /// the attempt still ends on its own a batch later. Work that actually finished (completed, diverged) is kept; a
    /// hand-off, a retry or the cancel itself leaves the trial cancelled.
    /// </summary>
    public static bool EndingReplacesCancel(TrialStatus ending) => ending is TrialStatus.Completed or TrialStatus.Diverged;
}
