using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime;

namespace AeGrid.Grains.Tests.Store;

/// <summary>The silo builder extensions: the store is there, migrated by the time the silo runs, and bad options stop start-up.</summary>
public sealed class TrialStoreHostingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aegrid-hosting-tests-").FullName;

    [Fact]
    public async Task A_silo_with_the_SQLite_store_migrates_it_at_start()
    {
        var path = Path.Combine(_folder, "silo", "aegrid.db");
        using var host = new HostBuilder()
            .UseOrleans(silo => silo.UseLocalhostClustering(LoopbackPorts.Free(), LoopbackPorts.Free()).UseTrialStore(StoreLocation.Parse($"sqlite:{path}")))
            .ConfigureLogging(l => l.ClearProviders())
            .Build();

        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var store = host.Services.GetRequiredService<ITrialStore>();
        await store.RegisterSiloAsync("local", "cpu", 2); // fails unless the schema exists
        await host.StopAsync();

        Assert.IsType<SqliteTrialStore>(Assert.IsType<ResilientTrialStore>(store).Inner);
        Assert.True(File.Exists(path));
        Assert.Equal(2, (await store.GetSlotLedgerAsync()).Single().Slots);
    }

    [Fact]
    public async Task A_silo_with_an_empty_PostgreSQL_connection_string_does_not_start()
    {
        using var host = new HostBuilder()
            .UseOrleans(silo => silo.UseLocalhostClustering(LoopbackPorts.Free(), LoopbackPorts.Free()).UsePostgresTrialStore(o => o.ConnectionString = ""))
            .ConfigureLogging(l => l.ClearProviders())
            .Build();

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(nameof(PostgresStoreOptions.ConnectionString), error.Message);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
