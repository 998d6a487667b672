using AeGrid.Abstractions;
using AeGrid.Grains.Store;

namespace AeGrid.Grains.Tests.Store;

/// <summary>`aegrid sweep fork`: a forked sweep records its origin and owns a copy of the weights its trials start from.</summary>
public abstract partial class TrialStoreContract
{
    [Fact]
    public async Task A_forked_sweep_keeps_its_origin_and_warm_start_after_its_source_is_deleted_and_loses_them_with_itself()
    {
        var (source, sourceTrials) = await NewSweepAsync(trials: 1, name: "source");
        var weights = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray(); // larger than a page, any byte
        var (fork, forkTrials) = await NewForkAsync(new SweepOrigin(source, sourceTrials[0]), weights, sourceEpoch: 4);

        var stored = (await Store.GetSweepAsync(fork))!;
        Assert.Equal(new SweepOrigin(source, sourceTrials[0]), stored.ForkedFrom);
        Assert.Equal(new SweepOrigin(source, sourceTrials[0]), (await Store.ListSweepsAsync()).Single(s => s.Id == fork).ForkedFrom);
        Assert.Null((await Store.GetSweepAsync(source))!.ForkedFrom);
        var warm = (await Store.GetWarmStartAsync(fork))!;
        Assert.Equal((fork, 4), (warm.SweepId, warm.SourceEpoch));
        Assert.Equal(weights, warm.Weights);
        Assert.Null(await Store.GetWarmStartAsync(source));
        Assert.Null(await Store.GetWarmStartAsync("no-such-sweep"));
        Assert.Equal(2, (await Store.GetTrialsAsync(fork)).Count);

        // The source goes; the fork keeps where it came from and what it starts from.
        await Store.SetSweepStateAsync(source, SweepState.Completed);
        Assert.Equal(SweepDeletion.Deleted, await Store.DeleteSweepAsync(source));
        Assert.Equal(new SweepOrigin(source, sourceTrials[0]), (await Store.GetSweepAsync(fork))!.ForkedFrom);
        Assert.Equal(weights, (await Store.GetWarmStartAsync(fork))!.Weights);

        // The fork goes with its warm start.
        Assert.Equal(SweepDeletion.Running, await Store.DeleteSweepAsync(fork));
        Assert.NotNull(await Store.GetWarmStartAsync(fork));
        await Store.SetSweepStateAsync(fork, SweepState.Cancelled);
        Assert.Equal(SweepDeletion.Deleted, await Store.DeleteSweepAsync(fork));
        Assert.Null(await Store.GetWarmStartAsync(fork));
        Assert.Null(await Store.GetTrialAsync(forkTrials[0]));
    }

    [Fact]
    public async Task A_fork_is_created_whole_or_not_at_all()
    {
        var origin = new SweepOrigin("gone", "gone-t0000");
        var (first, _) = await NewForkAsync(origin, [1, 2, 3], sourceEpoch: 1, name: "twin");

        // A running sweep of the same name refuses the second fork: neither its sweep row nor its warm start is written.
        var secondId = NewId("fork");
        await Assert.ThrowsAsync<DuplicateSweepException>(() => Store.CreateForkedSweepAsync(
            ForkRecord(secondId, "twin", origin), Trials(secondId, 1), new WarmStart(secondId, 1, [9], DateTimeOffset.UtcNow)));
        Assert.Null(await Store.GetSweepAsync(secondId));
        Assert.Null(await Store.GetWarmStartAsync(secondId));
        Assert.NotNull(await Store.GetWarmStartAsync(first));

        // A fork without an origin, or with another sweep's warm start, is a caller's bug.
        var third = NewId("fork");
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateForkedSweepAsync(
            ForkRecord(third, "third", origin) with { ForkedFrom = null }, Trials(third, 1), new WarmStart(third, 1, [9], DateTimeOffset.UtcNow)));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateForkedSweepAsync(
            ForkRecord(third, "third", origin), Trials(third, 1), new WarmStart(first, 1, [9], DateTimeOffset.UtcNow)));
        Assert.Null(await Store.GetSweepAsync(third));
    }

    async Task<(string SweepId, string[] TrialIds)> NewForkAsync(SweepOrigin origin, byte[] weights, int sourceEpoch, string? name = null)
    {
        var id = NewId("fork");
        var trials = Trials(id, 2);
        await Store.CreateForkedSweepAsync(ForkRecord(id, name ?? id, origin), trials, new WarmStart(id, sourceEpoch, weights, DateTimeOffset.UtcNow));
        return (id, trials.Select(t => t.TrialId).ToArray());
    }

    static SweepRecord ForkRecord(string id, string name, SweepOrigin origin) =>
        new(id, name, SweepState.Running, "spec", "test_mse", false, DateTimeOffset.UtcNow, null, ForkedFrom: origin);

    static TrialConfig[] Trials(string sweepId, int count) =>
        [.. Enumerable.Range(0, count).Select(n => new TrialConfig(TrialConfig.MakeId(sweepId, n), sweepId, n, Parameters(n + 1)))];
}
