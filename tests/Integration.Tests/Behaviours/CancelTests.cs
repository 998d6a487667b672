using System.Diagnostics;
using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// `Cancel` on a real 2-silo cluster (PostgreSQL membership and store): trials training on either silo stop within a
/// batch, pending ones never start, and nothing trains or writes afterwards.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class CancelTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Cancelling_a_sweep_stops_running_trials_on_every_silo_at_once_and_cancels_the_pending_ones()
    {
        var database = await server.CreateDatabaseAsync("behaviour_cancel");
        await using var grid = await InProcessGrid.StartAsync(database, silos: 2, slotsPerSilo: 1);
        // Each trial would train for minutes; 4 trials on 2 slots: two run, two wait.
        const int epochs = 2000;
        var spec = SweepFiles.Tiny("cancel", $"""
            architecture: linear
            epochs: {epochs}
            search: grid
            space:
              lr: [0.01, 0.005, 0.002, 0.001]
            """, limit: 300);
        var id = await grid.Client.GetGrain<ISweepDirectoryGrain>(0).Submit(spec, "cancel.yaml");
        var sweep = grid.Client.GetGrain<ISweepGrain>(id);

        SweepStatusReport status = await sweep.GetStatus();
        await Eventually.HoldsAsync(async () => (status = await sweep.GetStatus()).Trials.Count(t => t.Status == TrialStatus.Running && t.EpochsCompleted >= 1) == 2,
            TimeSpan.FromSeconds(30), () => string.Join(", ", status.Trials.Select(t => $"{t.TrialId} {t.Status.ToWire()} {t.EpochsCompleted}")));
        var running = status.Trials.Where(t => t.Status == TrialStatus.Running).Select(t => t.TrialId).ToHashSet();
        Assert.Equal(2, status.Trials.Select(t => t.Silo).Where(s => s is not null).Distinct().Count()); // one on each silo

        var clock = Stopwatch.StartNew();
        await sweep.Cancel();
        // No moment in which a watcher sees a cancelled sweep with a trial still running or pending: the store cancelled
        // them all in one statement before the sweep was marked cancelled.
        status = await sweep.GetStatus();
        Assert.Equal(SweepState.Cancelled, status.Sweep.State);
        Assert.All(status.Trials, t => Assert.Equal(TrialStatus.Cancelled, t.Status));
        // The training itself stops within a batch: every attempt is closed by its owner.
        List<StoreQueries.Attempt> attempts = [];
        await Eventually.HoldsAsync(async () => (attempts = await StoreQueries.AttemptsAsync(database)).All(a => a.End is not null),
            TimeSpan.FromSeconds(30), () => string.Join(", ", attempts.Select(a => $"{a.Trial} {a.Number} {a.End}")));
        var stoppedAfter = clock.Elapsed;
        status = await sweep.GetStatus();
        foreach (var t in status.Trials)
            output.WriteLine($"{t.TrialId}: {t.Status.ToWire()} after {t.EpochsCompleted} epochs, {t.Attempts} attempt(s) on {t.Silo}");
        output.WriteLine($"every attempt closed {stoppedAfter.TotalSeconds:0.00} s after Cancel was called");

        Assert.All(status.Trials, t => Assert.Equal(TrialStatus.Cancelled, t.Status)); // the attempts' ends kept the cancel
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(5), $"trials took {stoppedAfter.TotalSeconds:0.0} s to stop");
        foreach (var t in status.Trials)
        {
            // Far from done: how many epochs fit between the check above and the stop depends on the machine's load (a
            // tiny epoch takes milliseconds); the stop itself is bounded by the time asserted above.
            if (running.Contains(t.TrialId)) Assert.InRange(t.EpochsCompleted, 1, epochs / 2);
            else Assert.Equal((0, 0), (t.Attempts, t.EpochsCompleted)); // pending ones never started
        }

        // Nothing goes on afterwards: no epoch row or attempt appears later.
        Assert.Equal(2, attempts.Count);
        var epochRows = await StoreQueries.EpochCountsAsync(database);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(epochRows, await StoreQueries.EpochCountsAsync(database));
        Assert.Equal(2, (await StoreQueries.AttemptsAsync(database)).Count);
        Assert.Empty(await StoreQueries.DuplicateEpochsAsync(database));
    }
}
