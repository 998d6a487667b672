using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Trials;

public sealed partial class TrialGrain
{
    [LoggerMessage(LogLevel.Information, "Trial {TrialId} attempt {Attempt} started on {Silo}")]
    partial void LogStarted(string trialId, int attempt, string silo);
    [LoggerMessage(LogLevel.Information, "Trial {TrialId} attempt {Attempt} ended: {Status} {Error}")]
    partial void LogEnded(string trialId, int attempt, string status, string error);
    [LoggerMessage(LogLevel.Information, "Trial {TrialId} attempt {Attempt}: deactivating ({Reason}), pausing at the next batch to hand off")]
    partial void LogHandingOff(string trialId, int attempt, string reason);
    [LoggerMessage(LogLevel.Warning, "Trial {TrialId} attempt {Attempt} was fenced out: another attempt owns the trial; stopping")]
    partial void LogFencedOut(string trialId, int attempt);
    [LoggerMessage(LogLevel.Information, "Trial {TrialId} attempt {Attempt} was exploited at epoch {Epoch} (pbt): stopping; it resumes from the donor's checkpoint")]
    partial void LogExploited(string trialId, int attempt, int epoch);
    [LoggerMessage(LogLevel.Error, "Trial {TrialId} attempt {Attempt} failed (will retry: {Retry})")]
    partial void LogFailed(Exception e, string trialId, int attempt, bool retry);
    [LoggerMessage(LogLevel.Warning, "Trial {TrialId}: a notice to its sweep could not be sent; the sweep's reconcile reads the store")]
    partial void LogSweepUnreachable(Exception e, string trialId);
    [LoggerMessage(LogLevel.Warning, "Trial {TrialId} attempt {Attempt}: no verdict on epoch {Epoch} from its sweep within {Seconds} s; training goes on (a late verdict is still applied)")]
    partial void LogNoVerdict(string trialId, int attempt, int epoch, double seconds);
    [LoggerMessage(LogLevel.Warning, "Trial {TrialId}: lease renewal failed; training continues while the lease lasts")]
    partial void LogLeaseRenewFailed(Exception e, string trialId);
    [LoggerMessage(LogLevel.Warning, "Trial {TrialId} attempt {Attempt}: could not record its first batch time; training goes on")]
    partial void LogFirstBatchNotRecorded(Exception e, string trialId, int attempt);
    [LoggerMessage(LogLevel.Warning, "Trial {TrialId} attempt {Attempt}: its end could not be stored; its lease will run out and the sweep takes it back")]
    partial void LogEndNotStored(Exception e, string trialId, int attempt);
    [LoggerMessage(LogLevel.Error, "Trial {TrialId}: {Deaths} attempts in a row ended with the death of their silo; failing it")]
    partial void LogGaveUp(string trialId, int deaths);
}
