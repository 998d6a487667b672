using System.Diagnostics;
using AeGrid.Models.Training;
using static TorchSharp.torch;

namespace AeGrid.Models.Fusion;

// The lockstep loop: the solo loop of TrainingSession, with every per-trial decision (cancel, pause, divergence,
// epochs done, checkpoints) taken per member.
public sealed partial class FusedPack
{
    int TrainCount => data.TrainSet!.Count;
    int BatchSize => first.BatchSize!.Value;
    int BatchesPerEpoch => (TrainCount + BatchSize - 1) / BatchSize;

    /// <summary>
    /// Trains until every member has left: done with its epochs, diverged, cancelled, paused or removed.
    /// Returns each member's result by index, as <see cref="Trainer.Run"/> would have returned it.
    /// </summary>
    public IReadOnlyList<TrainingResult> Train()
    {
        foreach (var slot in slots.Where(s => s.Result is null && s.Config.Epochs <= completedEpochs))
            Leave(slot, TrainingOutcome.Completed, null);
        ApplyMembershipChanges();
        while (active.Count > 0)
        {
            int epoch = completedEpochs + 1;
            using var order = first.Shuffle == true ? Permutation(epoch) : null;
            while (batchesDone < BatchesPerEpoch && active.Count > 0)
            {
                ApplyControls(epoch);
                if (active.Count == 0) break;
                var (losses, samples, seconds) = TrainBatch(epoch, batchesDone, order);
                int done = batchesDone + 1;
                var diverged = active.Where((_, k) => !double.IsFinite(losses[k])).ToList();
                if (diverged.Count > 0)
                {
                    // No member stepped: the others redo this batch without the diverged ones, as if they had been alone.
                    foreach (var slot in diverged)
                        Leave(slot, TrainingOutcome.Diverged,
                            $"training loss became {losses[active.IndexOf(slot)]} at epoch {epoch}, batch {done} (lr {slot.Config.LearningRate}, optimizer {slot.Config.Optimizer})");
                    ApplyMembershipChanges();
                    continue;
                }
                batchesDone = done;
                var stepped = active.ToList();
                for (int k = 0; k < stepped.Count; k++)
                {
                    var slot = stepped[k];
                    slot.Progress = slot.Progress.Add(losses[k], samples, seconds);
                    slot.Spec.Observer.OnBatch(new BatchProgress(epoch, done, BatchesPerEpoch, losses[k], slot.Progress.Samples / slot.Progress.TrainingSeconds));
                    if (options.CheckpointEveryBatches is { } every && done % every == 0 && done < BatchesPerEpoch && slot.Result is null)
                        slot.Spec.Observer.OnCheckpoint(CheckpointOf(slot.Index));
                }
                ApplyMembershipChanges();
            }
            if (active.Count == 0) break;
            EndEpoch(epoch);
            ApplyMembershipChanges();
        }
        return [.. slots.Select(s => s.Result!)];
    }

    /// <summary>Per-member cancel and pause, checked before every batch as the solo loop does.</summary>
    void ApplyControls(int epoch)
    {
        foreach (var slot in active.Where(s => s.Result is null))
        {
            if (slot.Spec.Cancel.IsCancellationRequested)
                Leave(slot, TrainingOutcome.Cancelled, $"cancelled at epoch {epoch}, batch {batchesDone}");
            else if (slot.Spec.Pause.IsCancellationRequested)
            {
                slot.Spec.Observer.OnCheckpoint(CheckpointOf(slot.Index));
                Leave(slot, TrainingOutcome.Paused, $"paused at epoch {epoch}, batch {batchesDone}");
            }
        }
        ApplyMembershipChanges();
    }

    void EndEpoch(int epoch)
    {
        var measured = new List<(MemberSlot Slot, EpochMetrics Metrics)>();
        foreach (var slot in active)
        {
            SyncOut(slot);
            var progress = slot.Progress;
            var metrics = Evaluation.Measure(slot.Mirror, slot.Config, data, epoch, progress.Mse,
                progress.Samples / progress.TrainingSeconds, progress.TrainingSeconds);
            if (!double.IsFinite(metrics.TestMse))
                Leave(slot, TrainingOutcome.Diverged,
                    $"test MSE became {metrics.TestMse} after epoch {epoch} (lr {slot.Config.LearningRate}, optimizer {slot.Config.Optimizer})");
            else measured.Add((slot, metrics));
        }
        completedEpochs = epoch;
        batchesDone = 0;
        // Every member's epoch first, then the checkpoints: an observer may wait in OnCheckpoint for a verdict on its epoch
        // (a trial grain's relay does, when its sweep prunes), and the members' verdicts are then decided side by side.
        foreach (var (slot, metrics) in measured)
        {
            slot.Progress = EpochProgress.Empty;
            slot.Epochs.Add(metrics);
            slot.Spec.Observer.OnEpoch(metrics);
        }
        foreach (var (slot, _) in measured)
        {
            // The observer may have removed it (pruned): its checkpoint is then its state at this boundary all the same.
            slot.Spec.Observer.OnCheckpoint(CheckpointOf(slot.Index));
            if (slot.Result is null && slot.Config.Epochs == epoch) Leave(slot, TrainingOutcome.Completed, null);
        }
    }

    /// <summary>One fused step; returns each active member's loss (its solo mean loss) in active order.</summary>
    (double[] Losses, int Samples, double Seconds) TrainBatch(int epoch, int batch, Tensor? order)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        long start = (long)batch * BatchSize, size = Math.Min(BatchSize, TrainCount - start);
        var clean = order is null ? data.Train!.narrow(0, start, size) : data.Train!.index_select(0, order.narrow(0, start, size));
        var firstLayer = inputMode switch
        {
            InputMode.Shared => FusedMlp.FirstLayerShared(stacked!, clean),
            InputMode.SharedNoise => FusedMlp.FirstLayerSharedNoise(stacked!, clean, SharedNoise(clean, epoch, batch), noiseColumnFactors!),
            _ => FusedMlp.FirstLayerPerMember(stacked!, stack([.. active.Select(s => MemberInput(s, clean, epoch, batch))])),
        };
        var output = FusedMlp.Rest(stacked!, firstLayer);
        // Each member's mean loss; their sum gives every member exactly its own gradient.
        var perMember = nn.functional.mse_loss(output, clean.expand_as(output), nn.Reduction.None).mean([1L, 2L]);
        var losses = perMember.detach().cpu().data<float>().ToArray().Select(l => (double)l).ToArray();
        if (losses.Any(l => !double.IsFinite(l))) return (losses, (int)size, clock.Elapsed.TotalSeconds);
        stacked!.ClearGrads();
        perMember.sum().backward();
        optimizer!.Update();
        step = optimizer.Step;
        return (losses, (int)size, clock.Elapsed.TotalSeconds);
    }

    // The draw solo training makes for this batch (InputNoise.Apply's randn), shared by members with one seed.
    Tensor SharedNoise(Tensor clean, int epoch, int batch)
    {
        using var generator = Seeds.TrainNoise(active[0].Config.Seed, epoch, batch);
        return randn(clean.shape, generator: generator).to(clean.device);
    }

    static Tensor MemberInput(MemberSlot slot, Tensor clean, int epoch, int batch)
    {
        if (!(slot.Config.NoiseFactor > 0)) return clean;
        using var generator = Seeds.TrainNoise(slot.Config.Seed, epoch, batch);
        return InputNoise.Apply(clean, slot.Config.NoiseFactor.Value, slot.Config.ClipNoise!.Value, generator);
    }

    Tensor Permutation(int epoch)
    {
        using var generator = Seeds.Shuffle(first.Seed, epoch);
        using var cpuOrder = randperm(TrainCount, generator: generator);
        return cpuOrder.to(data.Train!.device);
    }
}
