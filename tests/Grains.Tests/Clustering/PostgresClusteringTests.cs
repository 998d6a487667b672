using System.Net;
using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace AeGrid.Grains.Tests.Clustering;

/// <summary>
/// Orleans' own ADO.NET clustering and reminder providers (10.4.2, invariant "Npgsql") running on the schema AeGrid's
/// migration creates (<see cref="OrleansAdoNetSchema"/>): two real silos and a client, in-process, on a real PostgreSQL.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresClusteringTests(PostgresServer server, ITestOutputHelper output)
{
    private const string ServiceId = "aegrid-clustering-tests";

    [Fact]
    public async Task Two_silos_and_a_client_cluster_and_keep_reminders_through_the_migrated_schema()
    {
        var connectionString = await server.CreateDatabaseAsync($"orleans_{Guid.NewGuid():N}"[..20]);
        await using (var store = PostgresTrialStore.Create(connectionString)) await store.MigrateAsync();
        var clusterId = $"aegrid-{Guid.NewGuid():N}"[..15];

        using var first = BuildSilo("silo-1", connectionString, clusterId);
        using var second = BuildSilo("silo-2", connectionString, clusterId);
        await first.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await second.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            // Membership: each silo sees both Active, and the table says so.
            var management = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            await Eventually(async () => (await management.GetHosts(onlyActive: true)).Count == 2, "both silos Active");
            Assert.Equal(2L, await ScalarAsync(connectionString,
                "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = $1 AND Status = 3", clusterId));

            // The heartbeat query (UpdateIAmAlivetimeKey), which the silos only run every few minutes.
            var table = first.Services.GetRequiredService<IMembershipTable>();
            var self = (await table.ReadAllAsync()).Members.Select(m => m.Item1).Single(m => m.SiloName == "silo-1");
            var beat = DateTime.UtcNow.AddSeconds(1);
            self.IAmAliveTime = beat;
            await table.UpdateIAmAliveAsync(self);
            Assert.Equal(beat, ((DateTime)(await ScalarAsync(connectionString,
                "SELECT IAmAliveTime FROM OrleansMembershipTable WHERE DeploymentId = $1 AND SiloName = 'silo-1'", clusterId))!)
                .ToUniversalTime(), TimeSpan.FromMilliseconds(1));

            // A client finds the gateways through the table (GatewaysQueryKey), not through configured endpoints.
            using var clientHost = new HostBuilder()
                .UseOrleansClient(client => client
                    .UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; })
                    .Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = ServiceId; }))
                .ConfigureLogging(l => l.ClearProviders().AddProvider(new TestOutputLoggerProvider(output, "client")))
                .Build();
            await clientHost.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var client = clientHost.Services.GetRequiredService<IClusterClient>();
            Assert.Equal(2, (await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count);

            // A reminder is a row, and it fires.
            var probe = client.GetGrain<IReminderProbeGrain>("probe-1");
            await probe.StartAsync(TimeSpan.FromSeconds(1));
            Assert.Equal(1L, await ScalarAsync(connectionString,
                "SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = $1 AND ReminderName = $2", ServiceId, ReminderProbeGrain.ReminderName));
            await Eventually(async () => await probe.TicksAsync() >= 2, "two reminder ticks");

            await probe.StopAsync();
            Assert.Equal(0L, await ScalarAsync(connectionString, "SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = $1", ServiceId));
            await clientHost.StopAsync();
        }
        finally
        {
            await second.StopAsync();
            await first.StopAsync();
        }

        // Both left gracefully: their rows say Dead (6), and the defunct-entry cleanup (CleanupDefunctSiloEntriesKey) removes them.
        Assert.Equal(2L, await ScalarAsync(connectionString,
            "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = $1 AND Status = 6", clusterId));
        await first.Services.GetRequiredService<IMembershipTable>().CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(0L, await ScalarAsync(connectionString, "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = $1", clusterId));
    }

    private IHost BuildSilo(string name, string connectionString, string clusterId) =>
        new HostBuilder()
            .UseOrleans(silo => silo
                .UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; })
                .UseAdoNetReminderService(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; })
                .Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = ServiceId; })
                .Configure<SiloOptions>(o => o.SiloName = name)
                .Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1))
                .ConfigureEndpoints(IPAddress.Loopback, LoopbackPorts.Free(), LoopbackPorts.Free()))
            .ConfigureLogging(l => l.ClearProviders().AddProvider(new TestOutputLoggerProvider(output, name)))
            .Build();

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return await command.ExecuteScalarAsync();
    }
}
