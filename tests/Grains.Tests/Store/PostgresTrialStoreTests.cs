using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace AeGrid.Grains.Tests.Store;

/// <summary>The store contract on a real PostgreSQL server (a new database per test), plus outages.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresTrialStoreTests(PostgresServer server, ITestOutputHelper output) : TrialStoreContract(output)
{
    protected override Task<string> NewDatabaseAsync() => server.CreateDatabaseAsync($"contract_{Guid.NewGuid():N}"[..24]);

    protected override ITrialStore OpenStore(string database) => PostgresTrialStore.Create(database);

    protected override IReadOnlyList<int> ExpectedSchemaVersions => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    protected override async Task<IReadOnlyList<string>> TrialDevicesAsync(string database, string sweepId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT device FROM trials WHERE sweep_id = $1 ORDER BY number", connection)
        {
            Parameters = { new() { Value = sweepId } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var devices = new List<string>();
        while (await reader.ReadAsync()) devices.Add(reader.GetString(0));
        return devices;
    }

    protected override async Task<IReadOnlyList<int>> SchemaVersionsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_version ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync()) versions.Add(reader.GetInt32(0));
        return versions;
    }

    [Fact]
    public async Task Epoch_writer_stores_every_row_exactly_once_across_a_server_restart()
    {
        var (trialId, attempt) = await RunningTrialAsync();
        var log = new CapturingLogger<ResilientTrialStore>();
        await using var writer = new EpochWriter(Resilient(Store, log, maxDelay: TimeSpan.FromMilliseconds(500)), new CapturingLogger<EpochWriter>());
        const int rows = 400;

        var producer = Task.Run(async () =>
        {
            for (var epoch = 1; epoch <= rows; epoch++)
            {
                writer.Enqueue(Epoch(trialId, epoch, attempt, testMse: 1.0 / epoch));
                await Task.Delay(5); // a steady trickle, as from training
            }
        });
        await Task.Delay(300);
        await server.StopAsync();
        await Task.Delay(1500); // rows keep coming while the database is down
        await server.StartAsync();
        await producer.WaitAsync(TimeSpan.FromSeconds(60));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));

        var stored = await Store.GetEpochsAsync(trialId);
        Assert.Equal(Enumerable.Range(1, rows), stored.Select(e => e.Epoch));
        Assert.Equal(Enumerable.Range(1, rows).Select(e => 1.0 / e), stored.Select(e => e.TestMse));
        Assert.Equal(rows, (await Store.GetTrialAsync(trialId))!.EpochsCompleted);
        Assert.True(log.Count(Microsoft.Extensions.Logging.LogLevel.Warning, "retrying") >= 1, "the outage was noticed");
        Assert.True(log.Count(Microsoft.Extensions.Logging.LogLevel.Information, "reachable again") >= 1, "the recovery was logged");
    }

    [Fact]
    public async Task Migration_writes_every_query_the_Orleans_AdoNet_providers_read()
    {
        var keys = new List<string>();
        await using (var connection = new NpgsqlConnection(((PostgresTrialStore)Store).DataSource.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        }

        Assert.Equal(16, keys.Count);
        Assert.Contains("CleanupDefunctSiloEntriesKey", keys);
        Assert.Equal(OrleansAdoNetSchema.ClusteringQueries.Keys.Concat(OrleansAdoNetSchema.ReminderQueries.Keys).Order(StringComparer.Ordinal),
            keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Checkpoint_and_model_bytes_are_stored_without_compression()
    {
        // Compressing trained weights costs a lot of CPU for nothing; 'e' (EXTERNAL) stores them out of line, as they are.
        await using var connection = new NpgsqlConnection(((PostgresTrialStore)Store).DataSource.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT attrelid::regclass::text || '.' || attname || '=' || attstorage::text FROM pg_attribute
            WHERE (attrelid, attname) IN (('checkpoints'::regclass, 'bytes'), ('models'::regclass, 'weights'))
            ORDER BY 1
            """, connection);
        var storage = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) storage.Add(reader.GetString(0));

        Assert.Equal(["checkpoints.bytes=e", "models.weights=e"], storage);
        var (trialId, attempt) = await RunningTrialAsync();
        var weights = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7919 % 251)).ToArray();
        Assert.True(await Store.SaveCheckpointAsync(new StoredCheckpoint(trialId, attempt, 1, 0, weights)));
        Assert.Equal(weights, (await Store.LoadCheckpointAsync(trialId))!.Bytes);
    }

    [Fact]
    public async Task Hyperparameters_are_queryable_jsonb()
    {
        var (sweepId, _) = await NewSweepAsync(trials: 4);
        await using var connection = new NpgsqlConnection(((PostgresTrialStore)Store).DataSource.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM trials WHERE sweep_id = $1 AND hyperparameters->>'architecture' = 'conv' AND (hyperparameters->>'noise_factor')::float8 = 0.3",
            connection) { Parameters = { new() { Value = sweepId } } };

        Assert.Equal(2L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public void Passwords_do_not_show_in_the_store_description()
    {
        using var store = PostgresTrialStore.Create("postgres://aegrid:s3cret@db.example:5432/aegrid");
        Assert.DoesNotContain("s3cret", store.ToString());
        Assert.Contains("db.example", store.ToString());
    }
}
