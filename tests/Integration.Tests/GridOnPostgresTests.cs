using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;
using AeGrid.Integration.Tests.Support;
using AeGrid.Models.Data;
using AeGrid.Models.Training;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests;

/// <summary>
/// A sweep on a real 2-silo Orleans cluster whose membership, reminders and store are a real PostgreSQL server.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class GridOnPostgresTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task A_sweep_on_two_silos_stores_every_epoch_once_never_overbooks_slots_and_keeps_exportable_models()
    {
        var database = await server.CreateDatabaseAsync("grid_two_silos");
        await using var grid = await InProcessGrid.StartAsync(database, silos: 2, slotsPerSilo: 1);

        // 6 trials for 2 slots: admission must queue them.
        var spec = SweepFiles.Small("two-silos", epochs: 2, keepBest: 2);
        var sweepId = await grid.Client.GetGrain<ISweepDirectoryGrain>(0).Submit(spec, "two-silos.yaml");
        var final = await grid.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(4));

        Assert.Equal(SweepState.Completed, final.Sweep.State);
        Assert.All(final.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(6, final.Trials.Length);

        // Every trial's epochs are in the store exactly once.
        Assert.Empty(await StoreQueries.DuplicateEpochsAsync(database));
        var counts = await StoreQueries.EpochCountsAsync(database);
        Assert.Equal(6, counts.Count);
        Assert.All(counts, c => Assert.Equal((2, 2), (c.Epochs, c.MaxEpoch)));

        // No silo ever ran more trainings than its one slot, no trial ran twice at once, and both silos trained.
        var attempts = await StoreQueries.AttemptsAsync(database);
        foreach (var silo in attempts.GroupBy(a => a.Silo))
        {
            output.WriteLine($"{silo.Key}: {silo.Count()} attempts, at most {StoreQueries.MaxConcurrent(silo)} at once");
            Assert.Equal(1, StoreQueries.MaxConcurrent(silo));
        }
        Assert.Equal(2, attempts.Select(a => a.Silo).Distinct().Count());
        Assert.Empty(StoreQueries.OverlappingAttempts(attempts));

        // The best two are kept; the leaderboard agrees with the stored metrics.
        var board = await grid.Client.GetGrain<ISweepGrain>(sweepId).GetLeaderboard(10, null);
        Assert.Equal(6, board.Length);
        Assert.Equal(board.Select(e => e.Value).Order(), board.Select(e => e.Value));
        Assert.Equal([true, true, false, false, false, false], board.Select(e => e.Kept));

        // The best model exports, reloads into a fresh model, and reproduces its test MSE.
        var best = board[0];
        var model = await grid.Client.GetGrain<ISweepDirectoryGrain>(0).GetModel(best.TrialId);
        var weights = Path.Combine(Path.GetTempPath(), $"aegrid-export-{Guid.NewGuid():N}.bin");
        try
        {
            await File.WriteAllBytesAsync(weights, model.Weights);
            var config = model.Parameters.WithDefaults();
            var data = DatasetCatalog.Load(config.Dataset!, config.Limit);
            var reproduced = ModelFiles.Evaluate(config, weights, data, new TrainingOptions { Device = "cpu" });
            output.WriteLine($"{best.TrialId}: stored test_mse {best.Value:G9}, reloaded {reproduced.TestMse:G9}");
            Assert.Equal(best.Value, reproduced.TestMse, 1e-6);
        }
        finally
        {
            File.Delete(weights);
        }

        // A non-kept trial has nothing to export, and says which ones do.
        var notKept = board[^1].TrialId;
        var refusal = await Assert.ThrowsAsync<AeGridRequestException>(() => grid.Client.GetGrain<ISweepDirectoryGrain>(0).GetModel(notKept));
        Assert.Contains(best.TrialId, refusal.Message);
    }

    [Fact]
    public async Task Submitting_a_running_sweeps_name_again_is_refused_and_a_bad_file_names_key_and_line()
    {
        var database = await server.CreateDatabaseAsync("grid_refusals");
        await using var grid = await InProcessGrid.StartAsync(database, silos: 1, slotsPerSilo: 1);
        var directory = grid.Client.GetGrain<ISweepDirectoryGrain>(0);

        var spec = SweepFiles.Small("twice", epochs: 1);
        var first = await directory.Submit(spec, "twice.yaml");
        var again = await Assert.ThrowsAsync<AeGridRequestException>(() => directory.Submit(spec, "twice.yaml"));
        Assert.Contains(first, again.Message);

        var bad = await Assert.ThrowsAsync<AeGridRequestException>(() => directory.Submit(spec.Replace("epochs: 1", "epoch: 1"), "bad.yaml"));
        Assert.Contains("bad.yaml:5", bad.Message);
        Assert.Contains("epoch", bad.Message);

        await grid.Client.GetGrain<ISweepGrain>(first).Cancel();
        var cancelled = await grid.WaitForSweepAsync(first, TimeSpan.FromMinutes(1));
        Assert.Equal(SweepState.Cancelled, cancelled.Sweep.State);
        // Once it is no longer running, the name is free again.
        var second = await directory.Submit(spec, "twice.yaml");
        Assert.NotEqual(first, second);
        await grid.Client.GetGrain<ISweepGrain>(second).Cancel();
    }
}
