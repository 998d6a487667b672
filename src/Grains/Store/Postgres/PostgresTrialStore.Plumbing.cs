using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace AeGrid.Grains.Store;

/// <summary>Commands, parameters and transactions over Npgsql.</summary>
public sealed partial class PostgresTrialStore
{
    // ------------------------------------------------------------------ plumbing

    /// <summary>A positional parameter typed by its .NET type, so nulls go out typed too.</summary>
    private static NpgsqlParameter<T> P<T>(T value) => new() { TypedValue = value };

    private static NpgsqlBatchCommand BatchCommand(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>Runs one statement; on its own pooled connection when <paramref name="connection"/> is null.</summary>
    private async Task<int> ExecAsync(NpgsqlConnection? connection, NpgsqlTransaction? tx, string sql, CancellationToken ct,
        params NpgsqlParameter[] parameters)
    {
        if (connection is null)
        {
            await using var own = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await ExecAsync(own, null, sql, ct, parameters).ConfigureAwait(false);
        }
        await using var command = Command(connection, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task<object?> ScalarAsync(NpgsqlConnection? connection, NpgsqlTransaction? tx, string sql, CancellationToken ct,
        params NpgsqlParameter[] parameters)
    {
        if (connection is null)
        {
            await using var own = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await ScalarAsync(own, null, sql, ct, parameters).ConfigureAwait(false);
        }
        await using var command = Command(connection, tx, sql, parameters);
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private async Task<T?> QuerySingleAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct, params NpgsqlParameter[] parameters)
        where T : class
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? read(reader) : null;
    }

    private async Task<IReadOnlyList<T>> QueryListAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct,
        params NpgsqlParameter[] parameters)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) rows.Add(read(reader));
        return rows;
    }

    /// <summary>Runs <paramref name="work"/> in one READ COMMITTED transaction, committed when it returns.</summary>
    private Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct) =>
        WithRetryOnConflictAsync(async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var result = await work(connection, tx).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }, ct);

    /// <summary>
    /// Reruns a whole write when PostgreSQL aborted it for a deadlock or a serialisation failure. The lock order above
    /// should make these impossible; this is the safety net, not the design.
    /// </summary>
    private async Task<T> WithRetryOnConflictAsync<T>(Func<Task<T>> write, CancellationToken ct)
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
                LogConflictRetry(_logger, e.SqlState, tries);
                await Task.Delay(TimeSpan.FromMilliseconds(10 * tries * Random.Shared.Next(1, 4)), ct).ConfigureAwait(false);
            }
        }
    }
}
