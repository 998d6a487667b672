using AeGrid.Abstractions;

namespace AeGrid.Client.Cli;

/// <summary>Process exit codes of every `aegrid` command; scripts and the README rely on them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Something outside the user's input failed: network, mirror, disk, or a bug; or a sweep was cancelled.</summary>
    public const int Failure = 1;
    /// <summary>The command line, a hyperparameter, a dataset name or a data file is wrong: fix the input and retry.</summary>
    public const int InvalidInput = 2;
    /// <summary>Training produced a NaN or infinite loss: `train`'s run, or every trial of a sweep.</summary>
    public const int Diverged = 3;
    /// <summary>A sweep ended without a single completed trial (they failed, or some failed and the rest diverged).</summary>
    public const int NoTrialCompleted = 4;
    /// <summary>The sweep is still running and the command needs a finished one (`sweep delete`): cancel it or wait.</summary>
    public const int SweepRunning = 5;
    /// <summary>Ctrl+C (128 + SIGINT), the shell convention.</summary>
    public const int Cancelled = 130;

    /// <summary>
    /// How `aegrid run` and `aegrid sweep watch` end for a sweep that stopped running: a sweep counts as done only when
    /// at least one trial completed, since a leaderboard of nothing is not a result a script should take for success.
    /// </summary>
    public static int ForSweep(SweepSummary sweep)
    {
        if (sweep.State != SweepState.Completed) return Failure;
        int Count(TrialStatus status) => sweep.TrialsByStatus.GetValueOrDefault(status);
        if (Count(TrialStatus.Completed) > 0) return Success;
        var trials = sweep.TrialsByStatus.Values.Sum();
        return trials > 0 && Count(TrialStatus.Diverged) == trials ? Diverged : NoTrialCompleted;
    }
}
