using Microsoft.Data.Sqlite;

namespace AeGrid.Grains.Store;

/// <summary>
/// Connections to one SQLite file in WAL mode, so readers never wait for the writer. Writes in this process queue on one
/// gate, and each write is one BEGIN IMMEDIATE transaction, which also serialises writers in other processes (they wait
/// up to the busy timeout).
/// </summary>
internal sealed class SqliteSessions(string connectionString, TimeSpan busyTimeout) : IStoreSessions, IDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public StoreDialect Dialect => SqliteDialect.Instance;

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        // Per connection: wait for other processes' locks inside SQLite; WAL makes NORMAL sync durable enough
        // (a power cut may lose the last commits, never corrupt the file).
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>A read on its own connection (WAL: never waits for the writer).</summary>
    public async Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        await using var connection = Open();
        return await read(new StoreSession(connection, null, Dialect)).ConfigureAwait(false);
    }

    /// <summary>A write in one BEGIN IMMEDIATE transaction, one at a time in this process.</summary>
    public async Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> write, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ct.ThrowIfCancellationRequested();
            await using var connection = Open();
            await using var tx = connection.BeginTransaction(deferred: false);
            var result = await write(new StoreSession(connection, tx, Dialect)).ConfigureAwait(false);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        _writeGate.Dispose();
        // Pooled connections keep the file (and its -wal/-shm companions) open; let the file go with the store.
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
