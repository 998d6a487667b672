using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>`pruner: {median: …}` on a real silo: clearly worse trials stop early as pruned and never rank.</summary>
[Collection(LocalSiloCollection.Name)]
public sealed class PruningTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_median_pruner_stops_clearly_worse_trials_before_their_last_epoch_and_they_never_rank()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1);
        // One slot runs the trials in order: the two good learning rates complete first (the pruner's startup trials),
        // then the two that barely learn are judged from epoch 2 on. The verdict reaches the training thread while it
        // goes on, after the epoch's row and checkpoint are stored; an epoch here takes about as long as storing them
        // (milliseconds), so give the verdict room to arrive before the last epoch.
        const int epochs = 50;
        var spec = SweepFiles.Tiny("pruning", $"""
            architecture: linear
            epochs: {epochs}
            search: grid
            keep_best: 1
            pruner:
              median:
                startup_trials: 2
                warmup_epochs: 1
            space:
              lr: [0.01, 0.005, 0.000001, 0.000002]
            """, limit: 300);

        var id = await silo.Directory.Submit(spec, "pruning.yaml");
        var final = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
        foreach (var t in final.Trials)
            output.WriteLine($"{t.TrialId} lr {t.Parameters.LearningRate}: {t.Status.ToWire()} after {t.EpochsCompleted} epochs, test_mse {t.LastEpoch?.TestMse}, {t.LastEpoch?.WallSeconds:0.000} s an epoch");

        Assert.Equal(SweepState.Completed, final.Sweep.State);
        Assert.Equal([TrialStatus.Completed, TrialStatus.Completed, TrialStatus.Pruned, TrialStatus.Pruned], final.Trials.Select(t => t.Status));
        foreach (var pruned in final.Trials.Where(t => t.Status == TrialStatus.Pruned))
        {
            Assert.InRange(pruned.EpochsCompleted, 2, epochs - 1); // judged after the warm-up, stopped before the end
            Assert.Equal(1, pruned.Attempts); // a verdict, not a failure: never retried
            Assert.Null(pruned.Error);
            Assert.Equal(Enumerable.Range(1, pruned.EpochsCompleted), (await silo.Store.GetEpochsAsync(pruned.TrialId)).Select(e => e.Epoch));
        }
        Assert.All(final.Trials.Take(2), t => Assert.Equal(epochs, t.EpochsCompleted));

        var board = await silo.Sweep(id).GetLeaderboard(10, null);
        Assert.Equal(final.Trials.Take(2).Select(t => t.TrialId).Order(), board.Select(e => e.TrialId).Order());
        Assert.All(board, e => Assert.Equal(TrialStatus.Completed, e.Status));
        Assert.True(board[0].Kept);
        Assert.All(final.Trials.Where(t => t.Status == TrialStatus.Pruned), t => Assert.False(t.Kept));
    }
}
