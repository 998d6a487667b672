using AeGrid.Abstractions;
using AeGrid.Grains.Trials;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Tests.Trials;

public sealed class TrainingRelayTests
{
    static Checkpoint At(int epoch, int batch = 0) => new(epoch, batch, [(byte)epoch, (byte)batch]);

    [Fact]
    public void Only_the_newest_checkpoint_is_handed_out_and_only_once()
    {
        var relay = new TrainingRelay();
        relay.OnCheckpoint(At(1));
        relay.OnCheckpoint(At(2));
        relay.OnCheckpoint(At(3));

        Assert.Equal(At(3).Epoch, relay.TakeCheckpoint(epochsRead: 3)?.Epoch);
        Assert.Null(relay.TakeCheckpoint(epochsRead: 3)); // the older ones were replaced, not queued
    }

    [Fact]
    public void A_snapshot_epochs_checkpoint_is_kept_apart_so_newer_checkpoints_do_not_replace_it()
    {
        var relay = new TrainingRelay(snapshotEveryEpochs: 2);
        relay.OnCheckpoint(At(1));
        relay.OnCheckpoint(At(2));
        relay.OnCheckpoint(At(2, batch: 5)); // mid-epoch checkpoints are never snapshots
        relay.OnCheckpoint(At(3));

        Assert.Equal((2, 0), relay.TakeSnapshot(epochsRead: 3) is { } s ? (s.Epoch, s.Batch) : default);
        Assert.Null(relay.TakeSnapshot(epochsRead: 3));
        Assert.Equal(3, relay.TakeCheckpoint(epochsRead: 3)?.Epoch);
        Assert.Null(new TrainingRelay().TakeSnapshot(epochsRead: 3)); // not pbt: no snapshots
    }

    [Fact]
    public void A_checkpoint_ahead_of_the_epochs_read_waits_until_its_epoch_is_read()
    {
        var relay = new TrainingRelay();
        relay.OnEpoch(new EpochMetrics { Epoch = 1, TrainMse = 0.1, TestMse = 0.1, SamplesPerSecond = 1, WallSeconds = 1 });
        relay.OnCheckpoint(At(1));
        relay.OnEpoch(new EpochMetrics { Epoch = 2, TrainMse = 0.1, TestMse = 0.1, SamplesPerSecond = 1, WallSeconds = 1 });
        relay.OnCheckpoint(At(2));
        relay.Complete();

        // Reading in order: epoch 1, then the first notice finds checkpoint 2, which covers epoch 2 not read yet.
        Assert.True(relay.Events.TryRead(out var first) && first is EpochMetrics { Epoch: 1 });
        Assert.True(relay.Events.TryRead(out var notice) && notice == TrainingRelay.CheckpointReady);
        Assert.Null(relay.TakeCheckpoint(epochsRead: 1));
        Assert.True(relay.Events.TryRead(out var second) && second is EpochMetrics { Epoch: 2 });
        Assert.True(relay.Events.TryRead(out var again) && again == TrainingRelay.CheckpointReady);
        Assert.Equal(2, relay.TakeCheckpoint(epochsRead: 2)?.Epoch);
    }

    [Fact]
    public void A_mid_epoch_checkpoint_covers_only_the_epochs_completed_before_it()
    {
        var relay = new TrainingRelay();
        relay.OnCheckpoint(At(4, batch: 7)); // resumed at epoch 4 and paused within epoch 5
        Assert.Equal((4, 7), relay.TakeCheckpoint(epochsRead: 4) is { } c ? (c.Epoch, c.Batch) : default);
    }

    [Fact]
    public async Task When_the_sweep_decides_about_epochs_training_waits_at_an_epoch_end_for_that_epochs_verdict()
    {
        var relay = new TrainingRelay(awaitsVerdicts: true);
        var training = Task.Run(() => relay.OnCheckpoint(At(1))); // the training thread, at the end of epoch 1

        await Task.Delay(200);
        Assert.False(training.IsCompleted, "training went on to epoch 2 before epoch 1's verdict");
        Assert.True(relay.Decide(1, EpochVerdict.Prune));
        await training.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(EpochVerdict.Prune, await relay.VerdictOf(1));
        Assert.False(relay.Decide(1, EpochVerdict.Continue)); // settled once: a late verdict changes nothing
    }

    [Fact]
    public async Task A_released_attempt_waits_for_no_verdict_and_mid_epoch_checkpoints_never_wait()
    {
        using var released = new CancellationTokenSource();
        var relay = new TrainingRelay(awaitsVerdicts: true, released: released.Token);
        relay.OnCheckpoint(At(1, batch: 3)); // a mid-epoch checkpoint (a pause): returns at once

        var training = Task.Run(() => relay.OnCheckpoint(At(1)));
        await Task.Delay(100);
        released.Cancel(); // stopped, fenced out or pausing
        await training.WaitAsync(TimeSpan.FromSeconds(5));
        new TrainingRelay().OnCheckpoint(At(1)); // a sweep without pruner or pbt: never waits
    }
}
