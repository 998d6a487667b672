using System.Collections.Immutable;
using AeGrid.Abstractions;
using AeGrid.Client.Cli;

namespace AeGrid.Client.Tests.Cli;

/// <summary>The one rule for how `aegrid run` and `aegrid sweep watch` end, by the trials the sweep ended with.</summary>
public sealed class ExitCodesTests
{
    private static SweepSummary Sweep(SweepState state, params (TrialStatus Status, int Count)[] trials) => new()
    {
        Id = "s-1", Name = "s", State = state, Metric = "test_mse", Maximize = false, CreatedAt = DateTimeOffset.UnixEpoch,
        TrialsByStatus = trials.ToImmutableDictionary(t => t.Status, t => t.Count),
    };

    [Fact]
    public void A_sweep_succeeds_only_when_a_trial_completed()
    {
        Assert.Equal(ExitCodes.Success, ExitCodes.ForSweep(Sweep(SweepState.Completed, (TrialStatus.Completed, 1), (TrialStatus.Failed, 5))));
        Assert.Equal(ExitCodes.NoTrialCompleted, ExitCodes.ForSweep(Sweep(SweepState.Completed, (TrialStatus.Failed, 1))));
        Assert.Equal(ExitCodes.NoTrialCompleted, ExitCodes.ForSweep(Sweep(SweepState.Completed, (TrialStatus.Failed, 1), (TrialStatus.Diverged, 2))));
        Assert.Equal(ExitCodes.NoTrialCompleted, ExitCodes.ForSweep(Sweep(SweepState.Completed, (TrialStatus.Pruned, 2))));
        Assert.Equal(ExitCodes.NoTrialCompleted, ExitCodes.ForSweep(Sweep(SweepState.Completed)));
        Assert.Equal(ExitCodes.Diverged, ExitCodes.ForSweep(Sweep(SweepState.Completed, (TrialStatus.Diverged, 3))));
        Assert.Equal(ExitCodes.Failure, ExitCodes.ForSweep(Sweep(SweepState.Cancelled, (TrialStatus.Completed, 1), (TrialStatus.Cancelled, 4))));
        Assert.Equal(4, ExitCodes.NoTrialCompleted); // documented in README.md; scripts rely on it
    }
}
