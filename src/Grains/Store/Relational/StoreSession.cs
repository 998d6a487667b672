using System.Data.Common;

namespace AeGrid.Grains.Store;

/// <summary>
/// One open connection of a store, with its transaction when it writes, and the dialect to speak on it. Every command
/// made here gets what the dialect must bind itself (SQLite's clock); <see cref="Now"/> is fixed for the session, as
/// PostgreSQL's now() is for a transaction.
/// </summary>
internal sealed class StoreSession(DbConnection connection, DbTransaction? transaction, StoreDialect dialect)
{
    public DbConnection Connection { get; } = connection;
    public DbTransaction? Transaction { get; } = transaction;
    public StoreDialect Dialect { get; } = dialect;
    public DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;

    /// <summary>The <c>@lease</c> value for <see cref="StoreDialect.LeaseEnd"/>.</summary>
    public object Lease(TimeSpan lease) => Dialect.LeaseValue(lease, Now);

    public DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) Add(command, name, value);
        Dialect.BindClock(command, Now);
        return command;
    }

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    public static void Set(DbCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;

    public async Task<int> ExecAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs a SELECT that only takes row locks (<see cref="StoreDialect.ForUpdate"/> appended); skipped where
    /// the database has one writer at a time and nothing to lock.</summary>
    public Task LockAsync(string select, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        Dialect.LocksRows ? ExecAsync(select + Dialect.ForUpdate, ct, parameters) : Task.CompletedTask;

    /// <summary>As <see cref="LockAsync"/> with <see cref="StoreDialect.ForShare"/>: others may read the rows, not change them.</summary>
    public Task ShareLockAsync(string select, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        Dialect.LocksRows ? ExecAsync(select + Dialect.ForShare, ct, parameters) : Task.CompletedTask;

    /// <summary>The first column of the first row; null for no row or NULL.</summary>
    public async Task<object?> ScalarAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public async Task<bool> ExistsAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        await ScalarAsync(sql, ct, parameters).ConfigureAwait(false) is not null;

    public async Task<List<T>> ListAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) rows.Add(read(reader));
        return rows;
    }

    public async Task<T?> SingleAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken ct,
        params (string Name, object? Value)[] parameters) where T : class
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? read(reader) : null;
    }
}
