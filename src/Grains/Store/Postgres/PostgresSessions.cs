using Microsoft.Extensions.Logging;
using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>Short-lived pooled connections from the process's one <see cref="NpgsqlDataSource"/>; READ COMMITTED writes.</summary>
internal sealed partial class PostgresSessions(NpgsqlDataSource dataSource, ILogger logger) : IStoreSessions
{
    public StoreDialect Dialect => PostgresDialect.Instance;

    public NpgsqlDataSource DataSource => dataSource;

    public ILogger Logger => logger;

    public async Task<T> ReadAsync<T>(Func<StoreSession, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await read(new StoreSession(connection, null, Dialect)).ConfigureAwait(false);
    }

    public Task<T> WriteAsync<T>(Func<StoreSession, Task<T>> write, CancellationToken ct) =>
        RetryOnConflictAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var result = await write(new StoreSession(connection, tx, Dialect)).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }, ct);

    /// <summary>
    /// Reruns a whole write when PostgreSQL aborted it for a deadlock or a serialisation failure. The lock order (see
    /// <see cref="AttemptLedger"/>) should make these impossible; this is the safety net, not the design.
    /// </summary>
    private async Task<T> RetryOnConflictAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        const int maxTries = 5;
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await write().ConfigureAwait(false);
            }
            catch (PostgresException e) when (tries < maxTries && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                LogConflictRetry(logger, e.SqlState, tries);
                await Task.Delay(TimeSpan.FromMilliseconds(10 * tries * Random.Shared.Next(1, 4)), ct).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Trial store write aborted by PostgreSQL ({SqlState}), try {Try}; running it again")]
    private static partial void LogConflictRetry(ILogger logger, string sqlState, int @try);
}
