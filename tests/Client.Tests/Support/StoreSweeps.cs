using AeGrid.Abstractions;
using AeGrid.Grains.Store;

namespace AeGrid.Client.Tests.Support;

/// <summary>
/// Sweeps written straight into a real SQLite store, in states a test cannot wait for: one still running (as an
/// `aegrid run` in another process leaves it), with a trial part-way through its epochs.
/// </summary>
internal static class StoreSweeps
{
    /// <summary>A running sweep of two linear trials: t0000 running with <paramref name="epochs"/> epochs stored, t0001 pending.</summary>
    public static async Task<(string SweepId, string[] TrialIds)> RunningAsync(string storePath, int epochs = 3)
    {
        using var store = new SqliteTrialStore(storePath);
        await store.MigrateAsync();
        var id = $"live-{Guid.NewGuid():N}"[..13];
        var spec = $"""
            name: live
            architecture: linear
            dataset: {Fixtures.FashionMnist300}
            epochs: 5
            search: grid
            space:
              lr: [0.01, 0.001]
            """;
        await store.CreateSweepAsync(new SweepRecord(id, "live", SweepState.Running, spec, "test_mse", false, DateTimeOffset.UtcNow, null),
            [.. new[] { 0.01, 0.001 }.Select((lr, n) => new TrialConfig(TrialConfig.MakeId(id, n), id, n, new Hyperparameters
            {
                Architecture = "linear", LearningRate = lr, Epochs = 5, Dataset = Fixtures.FashionMnist300,
            }))]);
        var trialIds = new[] { TrialConfig.MakeId(id, 0), TrialConfig.MakeId(id, 1) };
        await store.RegisterSiloAsync("elsewhere", "cpu", 1);
        var attempt = (await store.BeginAttemptAsync(trialIds[0], "elsewhere", TimeSpan.FromHours(1)))!.Value;
        await store.WriteEpochsAsync([.. Enumerable.Range(1, epochs).Select(e => new EpochReport
        {
            TrialId = trialIds[0], Epoch = e, Attempt = attempt, TrainMse = 0.2 / e, TestMse = 0.21 / e, SamplesPerSecond = 900, WallSeconds = 0.5,
        })]);
        return (id, trialIds);
    }

    public static async Task SetStateAsync(string storePath, string sweepId, SweepState state)
    {
        using var store = new SqliteTrialStore(storePath);
        await store.SetSweepStateAsync(sweepId, state);
    }
}
