using AeGrid.Grains.Store;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace AeGrid.Grains.Tests.Store;

/// <summary>The store contract on SQLite files in a temp folder, plus what only SQLite needs checking.</summary>
public sealed class SqliteTrialStoreTests(ITestOutputHelper output) : TrialStoreContract(output), IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aegrid-sqlite-tests-").FullName;

    protected override Task<string> NewDatabaseAsync() =>
        Task.FromResult(Path.Combine(_folder, "nested", $"{Guid.NewGuid():N}.db")); // the store must create the folder

    protected override ITrialStore OpenStore(string database) => new SqliteTrialStore(database);

    protected override IReadOnlyList<int> ExpectedSchemaVersions => [1, 3, 4, 6, 8, 9, 10, 11]; // 2, 5 and 7 are PostgreSQL's only

    protected override Task<IReadOnlyList<string>> TrialDevicesAsync(string database, string sweepId) =>
        Task.FromResult<IReadOnlyList<string>>(Query(database, $"SELECT device FROM trials WHERE sweep_id = '{sweepId}' ORDER BY number",
            r => r.GetString(0)));

    protected override Task<IReadOnlyList<int>> SchemaVersionsAsync(string database) =>
        Task.FromResult<IReadOnlyList<int>>(Query(database, "SELECT version FROM schema_version ORDER BY version", r => r.GetInt32(0)));

    [Fact]
    public void The_database_is_in_WAL_mode()
    {
        var path = ((SqliteTrialStore)Store).Path;
        Assert.Equal("wal", Query(path, "PRAGMA journal_mode", r => r.GetString(0)).Single());
    }

    [Fact]
    public async Task NaN_is_kept_as_text_because_SQLite_would_make_it_NULL()
    {
        var (trialId, attempt) = await RunningTrialAsync();
        await Store.WriteEpochsAsync([Epoch(trialId, 1, attempt) with { TrainMse = double.NaN, Nmi = null }]);

        var raw = Query(((SqliteTrialStore)Store).Path, "SELECT typeof(train_mse), train_mse, typeof(nmi) FROM epoch_metrics",
            r => (r.GetString(0), r.GetValue(1), r.GetString(2))).Single();
        Assert.Equal(("text", (object)"NaN", "null"), raw);
    }

    private static List<T> Query<T>(string path, string sql, Func<SqliteDataReader, T> read)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
