using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Integration.Tests.Support;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>`Fork` on a real silo: the forked sweep's trials start from the source trial's trained weights, not afresh.</summary>
[Collection(LocalSiloCollection.Name)]
public sealed class ForkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_forked_trial_with_a_vanishing_learning_rate_scores_what_its_source_scored_and_a_fresh_one_does_not()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1);
        // keep_best: 0: no kept model, so the fork takes the weights out of the source's last checkpoint.
        var source = await silo.Directory.Submit(SweepFiles.Tiny("source", """
            architecture: linear
            epochs: 5
            lr: 0.01
            keep_best: 0
            """, limit: 600), "source.yaml");
        var trained = Assert.Single((await silo.WaitForSweepAsync(source, TimeSpan.FromMinutes(1))).Trials);
        Assert.Equal(TrialStatus.Completed, trained.Status);
        Assert.Null(await silo.Store.GetModelAsync(trained.TrialId));

        // lr 1e-9 for one epoch changes no weight measurably: the fork's first epoch measures the weights it started from.
        var forked = await silo.Directory.Fork(source, null, "name: tuned\nlr: 1.0e-9\nepochs: 1\n", "tuned.yaml");
        Assert.Equal(new SweepOrigin(source, trained.TrialId), forked.Origin);
        Assert.Null(forked.StillRunning);
        var fork = await silo.WaitForSweepAsync(forked.SweepId!, TimeSpan.FromMinutes(1));
        var tuned = Assert.Single(fork.Trials);

        // The same training from seeded initialisation, as a sweep that was not forked.
        var fresh = await silo.Directory.Submit(SweepFiles.Tiny("fresh", "architecture: linear\nepochs: 1\nlr: 1.0e-9\n", limit: 600), "fresh.yaml");
        var untrained = Assert.Single((await silo.WaitForSweepAsync(fresh, TimeSpan.FromMinutes(1))).Trials);

        double sourceMse = trained.LastEpoch!.TestMse, forkMse = tuned.LastEpoch!.TestMse, freshMse = untrained.LastEpoch!.TestMse;
        output.WriteLine($"test_mse: source after 5 epochs {sourceMse:0.000000}, fork after 1 epoch at lr 1e-9 {forkMse:0.000000}, fresh {freshMse:0.000000}");
        Assert.Equal((TrialStatus.Completed, 1), (tuned.Status, tuned.EpochsCompleted)); // epochs count from 0 in the fork
        Assert.Equal(1, tuned.LastEpoch.Epoch);
        Assert.Equal(sourceMse, forkMse, sourceMse * 1e-3);
        Assert.True(freshMse > 1.5 * sourceMse, $"a fresh model ({freshMse}) should be far worse than the trained one ({sourceMse})");

        // The fork inherited what its file left out, and records where it came from.
        Assert.Equal(("linear", 600, 7L), (tuned.Parameters.Architecture, tuned.Parameters.Limit, tuned.Parameters.Seed));
        Assert.Equal(new SweepOrigin(source, trained.TrialId), fork.Sweep.ForkedFrom);
        Assert.Equal(new SweepOrigin(source, trained.TrialId), (await silo.Directory.List()).Single(s => s.Id == forked.SweepId).ForkedFrom);
        Assert.Equal(5, (await silo.Store.GetWarmStartAsync(forked.SweepId!))!.SourceEpoch);

        // Deleting the source leaves the fork whole: its weights were copied, and a second fork of it starts from them.
        Assert.True(await silo.Sweep(source).Delete());
        var again = await silo.Directory.Fork(forked.SweepId!, null, "name: again\nlr: 1.0e-9\nepochs: 1\n", "again.yaml");
        var twice = Assert.Single((await silo.WaitForSweepAsync(again.SweepId!, TimeSpan.FromMinutes(1))).Trials);
        Assert.Equal(forkMse, twice.LastEpoch!.TestMse, sourceMse * 1e-3);
    }

    [Fact]
    public async Task A_source_trial_still_running_is_reported_not_forked_and_a_bad_one_is_refused_by_name()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1);
        var id = await silo.Directory.Submit(SweepFiles.Tiny("slow", "architecture: linear\nepochs: 1\nsearch: grid\nspace:\n  lr: [0.01, 0.001]\n"), "slow.yaml");
        await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
        var first = TrialConfig.MakeId(id, 0);

        await AssertRefused(silo.Directory.Fork("nope-000000", null, "lr: 0.1\n", "f.yaml"), "unknown sweep nope-000000");
        await AssertRefused(silo.Directory.Fork(id, $"{id}-t0042", "lr: 0.1\n", "f.yaml"), $"unknown trial {id}-t0042");
        await AssertRefused(silo.Directory.Fork(id, first, "name: f\nencoding_dim: 7\n", "f.yaml"),
            "f.yaml:2:15: encoding_dim: 7 does not fit the weights of");

        // A trial set back to pending (as a retry would) is still to run: the result says so, and nothing is created.
        await silo.Store.SetTrialStatusAsync(first, TrialStatus.Pending, null);
        var waiting = await silo.Directory.Fork(id, first, "lr: 0.1\n", "f.yaml");
        Assert.Null(waiting.SweepId);
        Assert.Contains($"trial {first} is still pending", waiting.StillRunning);
        Assert.Single(await silo.Directory.List());
    }

    static async Task AssertRefused(Task<SweepForkResult> fork, string expected)
    {
        var refused = await Assert.ThrowsAsync<AeGridRequestException>(() => fork);
        Assert.Contains(expected, refused.Message);
    }
}
