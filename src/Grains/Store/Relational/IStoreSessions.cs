namespace AeGrid.Grains.Store;

/// <summary>How a store opens its sessions: the database's own connection, transaction and concurrency handling.</summary>
internal interface IStoreSessions
{
    StoreDialect Dialect { get; }

    /// <summary>Runs a read on its own connection, outside any transaction.</summary>
    Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken ct);

    /// <summary>Runs a write in one transaction, committed when it returns, rolled back when it throws.</summary>
    Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> write, CancellationToken ct);
}
