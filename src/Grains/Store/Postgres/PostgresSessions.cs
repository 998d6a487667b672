using Microsoft.Extensions.Logging;
using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>Short-lived pooled connections from the process's one <see cref="NpgsqlDataSource"/>; READ COMMITTED writes.</summary>
internal sealed class PostgresSessions(NpgsqlDataSource dataSource, ILogger logger) : IStoreSessions
{
    public StoreDialect Dialect => PostgresDialect.Instance;

    public NpgsqlDataSource DataSource => dataSource;

    public ILogger Logger => logger;

    public async Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await read(new StoreSession(connection, null, Dialect)).ConfigureAwait(false);
    }

    /// <remarks>A write PostgreSQL aborts for a deadlock or a serialisation failure is not rerun here: the lock order (see
    /// <see cref="AttemptLedger"/>) should make those impossible, and the one retry policy, <see cref="ResilientTrialStore"/>,
    /// reruns the whole call when one happens all the same.</remarks>
    public async Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> write, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var result = await write(new StoreSession(connection, tx, Dialect)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return result;
    }
}
