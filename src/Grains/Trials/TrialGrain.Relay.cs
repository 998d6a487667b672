using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Grains.Store;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Trials;

/// <summary>
/// The relay loop: what the training thread hands over is stored in order and reported to the sweep as one-way notices;
/// the sweep's verdicts come back as calls of their own (<see cref="ApplyVerdict"/>).
/// </summary>
public sealed partial class TrialGrain
{
    /// <summary>Stores what the training thread relays, in order; runs on the grain scheduler.</summary>
    /// <param name="epochsStored">Epochs the resumed checkpoint covers (stored by an earlier attempt); 0 for a fresh start.</param>
    async Task PumpRelayAsync(Attempt attempt, int epochsStored)
    {
        var config = attempt.Config;
        var epochsRead = epochsStored;
        await foreach (var message in attempt.Relay.Events.ReadAllAsync())
        {
            // Fenced out or exploited: the store refuses this attempt's writes anyway; do not even try.
            if (attempt.FencedOut) continue;
            switch (message)
            {
                case EpochMetrics metrics:
                    epochsRead = metrics.Epoch;
                    AeGridTelemetry.EpochsCompleted.Add(1, new KeyValuePair<string, object?>("architecture", config.Parameters.Architecture));
                    AeGridTelemetry.EpochSeconds.Record(metrics.WallSeconds);
                    var report = EpochReports.From(config.TrialId, attempt.Number, metrics);
                    await epochWriter.EnqueueAsync(report);
                    // pbt: the sweep hears a snapshot epoch once its snapshot is stored, so a trial that reported an epoch
                    // can always be a donor at it, whoever reports that epoch after it.
                    if (attempt.SnapshotEveryEpochs is { } every && metrics.Epoch % every == 0) attempt.HeldReport = report;
                    else await ReportEpochAsync(attempt, report);
                    break;
                case var ready when ready == TrainingRelay.CheckpointReady:
                    // pbt snapshots first, every one of them: what other trials exploit must not be skipped.
                    if (!await StoreSnapshotsAsync(attempt, epochsRead)) break;
                    if (attempt.HeldReport is { } held && held.Epoch <= epochsRead)
                    {
                        attempt.HeldReport = null;
                        await ReportEpochAsync(attempt, held);
                        if (attempt.FencedOut) break;
                    }
                    // Only the newest checkpoint is stored; older ones it replaced while we were busy are skipped.
                    if (attempt.Relay.TakeCheckpoint(epochsRead) is not { } checkpoint) break;
                    // The epochs a checkpoint covers must be durable before it is: a resume never re-creates them.
                    await epochWriter.FlushAsync(CancellationToken.None);
                    var stored = new StoredCheckpoint(config.TrialId, attempt.Number, checkpoint.Epoch, checkpoint.Batch, checkpoint.Bytes);
                    if (!await store.SaveCheckpointAsync(stored)) FenceOut(attempt);
                    break;
            }
        }
    }

    /// <summary>Stores the snapshots whose epochs are read (and flushed first); false when the attempt was fenced out.</summary>
    async Task<bool> StoreSnapshotsAsync(Attempt attempt, int epochsRead)
    {
        var config = attempt.Config;
        while (attempt.Relay.TakeSnapshot(epochsRead) is { } snapshot)
        {
            await epochWriter.FlushAsync(CancellationToken.None);
            if (!await store.SaveSnapshotAsync(new StoredCheckpoint(config.TrialId, attempt.Number, snapshot.Epoch, 0, snapshot.Bytes)))
            {
                FenceOut(attempt);
                return false;
            }
        }
        return true;
    }

    /// <summary>How long an epoch waits for its verdict before training goes on without it: more than a sweep needs to be
    /// re-activated on another silo after its own died (detection takes seconds), far less than a call's 30 s timeout.</summary>
    internal static readonly TimeSpan VerdictTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Tells the sweep of an epoch and waits (bounded) for its verdict, which the sweep sends for every epoch: that keeps
    /// at most one of this trial's reports in the sweep's queue (the back-pressure an awaited call used to give). When the
    /// sweep decides about epochs the training thread waits for the same verdict before the next epoch, and the relay must
    /// not store this attempt's checkpoint ahead of a pbt exploit that replaces it. On a timeout the epoch counts as
    /// Continue; a late verdict still applies.
    /// </summary>
    async Task ReportEpochAsync(Attempt attempt, EpochReport report)
    {
        Notify(attempt.Config, sweep => sweep.ReportEpoch(report));
        try
        {
            await attempt.Relay.VerdictOf(report.Epoch).WaitAsync(VerdictTimeout, attempt.Released.Token);
        }
        catch (TimeoutException)
        {
            LogNoVerdict(attempt.Config.TrialId, attempt.Number, report.Epoch, VerdictTimeout.TotalSeconds);
            attempt.Relay.Decide(report.Epoch, EpochVerdict.Continue);
        }
        catch (OperationCanceledException)
        {
            // Stopped, fenced out or handing off (a deactivating grain takes no calls, so no verdict would come).
        }
    }

    public Task ApplyVerdict(int attempt, int epoch, EpochVerdict verdict)
    {
        if (_current is not { } current || current.Number != attempt) return Task.CompletedTask; // an attempt that ended
        switch (verdict)
        {
            case EpochVerdict.Prune:
                Stop(current, TrialStatus.Pruned);
                break;
            case EpochVerdict.Exploited:
                // The store ended this attempt and holds the donor's checkpoint now: stop, write nothing more (our own
                // newer checkpoint must never replace the donor's: Ray's #28509), and let the sweep start the trial again
                // from that checkpoint with its new hyperparameters.
                LogExploited(current.Config.TrialId, current.Number, epoch);
                current.Exploited = true;
                current.FencedOut = true;
                current.Cancel.Cancel();
                break;
        }
        // After acting: the pump and the training thread, released by this, must see the stop.
        current.Relay.Decide(epoch, verdict);
        return Task.CompletedTask;
    }
}
