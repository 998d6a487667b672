using AeGrid.Client.Cli;
using AeGrid.Grains.Store;
using Npgsql;

namespace AeGrid.Client.Grid;

/// <summary>
/// Keeps a second training process off a store that one already drives. In local mode each process is its own one-silo
/// cluster, so a second `aegrid run` on the same store (or one pointed at a cluster's database) would see the other's
/// silos as absent and take their running trials at once: two processes training one trial. The guard is held for the
/// life of the training session and released by the kernel or the database if the process dies, so a killed run can be
/// resumed at once.
/// </summary>
internal sealed class LocalRunGuard : IAsyncDisposable
{
    readonly IAsyncDisposable _held;

    LocalRunGuard(IAsyncDisposable held) => _held = held;

    /// <summary>The advisory lock key of local training sessions on a PostgreSQL store (any fixed 64-bit number).</summary>
    const long PostgresLockKey = 0x6165_6772_6964_0001; // "aegrid" + 1

    public static async Task<LocalRunGuard> AcquireAsync(string store, CancellationToken ct) =>
        StoreLocation.Parse(store) switch
        {
            StoreLocation.Sqlite sqlite => new LocalRunGuard(LockFile(sqlite.Path)),
            StoreLocation.Postgres postgres => new LocalRunGuard(await LockDatabaseAsync(postgres, ct)),
            var other => throw new InvalidOperationException($"no run guard for {other}"),
        };

    /// <summary>An exclusive lock (flock) on a file beside the database; the kernel drops it when the process dies.</summary>
    static FileStream LockFile(string databasePath)
    {
        var path = databasePath + ".run-lock";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException)
        {
            throw CliException.Failure($"another `aegrid run` is training on {databasePath}; follow it with `aegrid sweep watch NAME` " +
                                       "(same --store), or wait until it ends");
        }
    }

    /// <summary>A session-level advisory lock (dropped with the connection) and no live cluster silo on the database.</summary>
    static async Task<IAsyncDisposable> LockDatabaseAsync(StoreLocation.Postgres postgres, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(postgres.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using (var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = PostgresLockKey } } })
                if (await command.ExecuteScalarAsync(ct) is not true)
                    throw CliException.Failure($"another `aegrid run` is training on {postgres}; follow it with `aegrid sweep watch NAME` " +
                                               "(same --store), or wait until it ends");
            var liveSilos = await LiveClusterSilosAsync(connection, ct);
            if (liveSilos > 0)
                throw CliException.Failure($"{postgres} is the store of a running cluster ({liveSilos} live silos); submit to it with " +
                                           "`aegrid sweep submit --cluster …` instead of running a local silo on it");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Cluster silos that reported themselves alive in Orleans' membership table in the last two minutes.</summary>
    static async Task<long> LiveClusterSilosAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // Two statements: PostgreSQL plans a query over a missing table as an error, even in a branch never taken.
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('orleansmembershiptable') IS NOT NULL", connection))
            if (await exists.ExecuteScalarAsync(ct) is not true) return 0;
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM orleansmembershiptable WHERE status = 3 AND iamalivetime > now() - interval '2 minutes'", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    public ValueTask DisposeAsync() => _held.DisposeAsync();
}
