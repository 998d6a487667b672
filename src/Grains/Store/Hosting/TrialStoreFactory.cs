using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

/// <summary>
/// Opens the store a <see cref="StoreLocation"/> names, behind <see cref="ResilientTrialStore"/> (default
/// <see cref="StoreResilienceOptions"/>). The store returned is disposable: dispose it when done.
/// </summary>
public static class TrialStoreFactory
{
    /// <summary>Creates the store without touching the database (no migration).</summary>
    public static ITrialStore Create(StoreLocation location, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ITrialStore backend = location switch
        {
            StoreLocation.Sqlite sqlite => new SqliteTrialStore(sqlite.Path, loggerFactory.CreateLogger<SqliteTrialStore>()),
            StoreLocation.Postgres postgres => PostgresTrialStore.Create(postgres.ConnectionString, loggerFactory),
            _ => throw new ArgumentOutOfRangeException(nameof(location), location, "unknown kind of store location"),
        };
        return new ResilientTrialStore(backend, new StoreResilienceOptions(), loggerFactory.CreateLogger<ResilientTrialStore>(), ownsInner: true);
    }

    /// <summary>Creates the store and brings its schema up to date: what a process calls once at start-up.</summary>
    public static async Task<ITrialStore> OpenAsync(StoreLocation location, ILoggerFactory loggerFactory, CancellationToken ct = default)
    {
        var store = Create(location, loggerFactory);
        try
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch
        {
            if (store is IAsyncDisposable disposable) await disposable.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
