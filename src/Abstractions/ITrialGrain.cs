using Orleans.Concurrency;

namespace AeGrid.Abstractions;

/// <summary>What <see cref="ITrialGrain.Start"/> did.</summary>
[GenerateSerializer]
public enum TrialStartResult
{
    /// <summary>A new attempt was fenced in the store and training started in the background.</summary>
    Started = 0,
    /// <summary>This activation is already training the trial.</summary>
    AlreadyRunning = 1,
    /// <summary>The silo it landed on had no free slot, or another attempt holds the trial: try again later.</summary>
    NotAdmitted = 2,
    /// <summary>The trial is in a final state already.</summary>
    AlreadyFinished = 3,
}

/// <summary>
/// One trial (key: trial id). Placed only on a silo with a free training slot; trains off the Orleans scheduler,
/// writes each epoch and a checkpoint to the store, and reports to its sweep with one-way notices (it never awaits its
/// sweep, which awaits it). Calls return at once.
/// </summary>
public interface ITrialGrain : IGrainWithStringKey
{
    /// <param name="snapshotEveryEpochs">pbt sweeps: also keep a snapshot of the checkpoint at every multiple of this
    /// epoch count (what other trials exploit); null for other searches.</param>
    /// <param name="awaitsVerdicts">The sweep decides about epochs (a pruner or pbt): training waits for an epoch's verdict
    /// (<see cref="ApplyVerdict"/>), a bounded time, before it starts the next. Without it only the reports wait.</param>
    /// <param name="pack">The fused pack the trial trains in (<see cref="PackAssignment"/>); null: alone.</param>
    Task<TrialStartResult> Start(TrialConfig config, int maxAttempts, int? checkpointEveryBatches, int? snapshotEveryEpochs,
        bool awaitsVerdicts, PackAssignment? pack);
    /// <summary>Stops a running trial within one batch with the given final status (Cancelled or Pruned).</summary>
    Task Stop(TrialStatus finalStatus);
    Task<bool> IsTraining();
    /// <summary>
    /// The sweep's verdict on <paramref name="epoch"/> of attempt <paramref name="attempt"/>: prune or exploited stop the
    /// attempt; any verdict lets its training go on to the next epoch. A verdict for another attempt is ignored.
    /// </summary>
    [OneWay] Task ApplyVerdict(int attempt, int epoch, EpochVerdict verdict);
}
