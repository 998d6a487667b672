using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Grains.Store;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Trials;

/// <summary>The relay loop: what the training thread hands over is stored in order, and the sweep's verdicts acted on.</summary>
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
                    else await ActOnVerdictAsync(attempt, report);
                    break;
                case var ready when ready == TrainingRelay.CheckpointReady:
                    // pbt snapshots first, every one of them: what other trials exploit must not be skipped.
                    if (!await StoreSnapshotsAsync(attempt, epochsRead)) break;
                    if (attempt.HeldReport is { } held && held.Epoch <= epochsRead)
                    {
                        attempt.HeldReport = null;
                        await ActOnVerdictAsync(attempt, held);
                        if (attempt.FencedOut) break;
                    }
                    // Only the newest checkpoint is stored; older ones it replaced while we were busy are skipped.
                    if (attempt.Relay.TakeCheckpoint(epochsRead) is not { } checkpoint) break;
                    // The epochs a checkpoint covers must be durable before it is: a resume never re-creates them.
                    await epochWriter.FlushAsync(CancellationToken.None);
                    var stored = new StoredCheckpoint(config.TrialId, attempt.Number, checkpoint.Epoch, checkpoint.Batch, checkpoint.Bytes);
                    if (!await RetryStoreAsync(() => store.SaveCheckpointAsync(stored))) FenceOut(attempt);
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
            if (!await RetryStoreAsync(() => store.SaveSnapshotAsync(new StoredCheckpoint(config.TrialId, attempt.Number, snapshot.Epoch, 0, snapshot.Bytes))))
            {
                FenceOut(attempt);
                return false;
            }
        }
        return true;
    }

    async Task ActOnVerdictAsync(Attempt attempt, EpochReport report)
    {
        switch (await AskSweep(attempt.Config, report))
        {
            case EpochVerdict.Prune:
                attempt.StopStatus = TrialStatus.Pruned;
                attempt.Cancel.Cancel();
                break;
            case EpochVerdict.Exploited:
                // The store ended this attempt and holds the donor's checkpoint now: stop, write nothing more (our own
                // newer checkpoint must never replace the donor's: Ray's #28509), and let the sweep start the trial again
                // from that checkpoint with its new hyperparameters.
                LogExploited(attempt.Config.TrialId, attempt.Number, report.Epoch);
                attempt.Exploited = true;
                attempt.FencedOut = true;
                attempt.Cancel.Cancel();
                break;
        }
    }

    async Task<EpochVerdict> AskSweep(TrialConfig config, EpochReport report)
    {
        try
        {
            return await Sweep(config).ReportEpoch(report);
        }
        catch (Exception e)
        {
            LogSweepUnreachable(e, config.TrialId);
            return EpochVerdict.Continue; // the sweep's reminder will catch up; training goes on
        }
    }
}
