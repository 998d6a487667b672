using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Tests.Store.Resilience;

/// <summary>The retry decorator over a real PostgreSQL server that is stopped and started again under a call.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class ResilientPostgresStoreTests(PostgresServer server)
{
    [Fact]
    public async Task A_call_made_while_the_server_restarts_is_ridden_out()
    {
        var database = await server.CreateDatabaseAsync($"resilient_{Guid.NewGuid():N}"[..24]);
        await using var postgres = PostgresTrialStore.Create(database);
        await postgres.MigrateAsync();
        var log = new CapturingLogger<ResilientTrialStore>();
        var store = new ResilientTrialStore(postgres, new StoreResilienceOptions
        {
            Attempts = new() { MaxRetries = 100, FirstDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(300) },
        }, log);
        var sweep = new SweepRecord("restart-000001", "restart", SweepState.Running, "spec", "test_mse", false, DateTimeOffset.UtcNow, null);
        var trialId = TrialConfig.MakeId(sweep.Id, 1);
        await store.CreateSweepAsync(sweep, [new TrialConfig(trialId, sweep.Id, 1, new Hyperparameters { Architecture = "linear" })]);
        await store.RegisterSiloAsync("silo", "cpu", 1);
        var attempt = (await store.BeginAttemptAsync(trialId, "silo", TimeSpan.FromMinutes(5)))!.Value;

        await server.StopAsync();
        var ending = store.EndAttemptAsync(trialId, attempt, TrialStatus.Completed, null); // what a trial grain does last
        await Task.Delay(1500);
        Assert.False(ending.IsCompleted, "the call waits for the server instead of failing");
        await server.StartAsync();

        Assert.True(await ending.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(TrialStatus.Completed, (await store.GetTrialAsync(trialId))!.Status);
        Assert.True(log.Count(LogLevel.Warning, "EndAttemptAsync failed") == 1, "the outage was noticed once");
        Assert.True(log.Count(LogLevel.Information, "reachable again: EndAttemptAsync") == 1, "the recovery was logged");
    }
}
