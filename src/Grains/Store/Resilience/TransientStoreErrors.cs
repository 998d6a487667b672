using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>
/// Which store failures go away by themselves (the database restarting, unreachable for a while, a lock conflict), as
/// opposed to a bug, bad data or a domain answer (<see cref="KeyNotFoundException"/>, <see cref="DuplicateSweepException"/>,
/// a constraint or a validation error), which no retry can fix, and cancellations, which the caller asked for.
/// </summary>
public static class TransientStoreErrors
{
    public static bool IsTransient(Exception error) => error switch
    {
        OperationCanceledException => false,
        PostgresException postgres => IsTransient(postgres),
        // Connection refused or reset, a broken stream, a timeout: Npgsql marks these itself.
        NpgsqlException npgsql => npgsql.IsTransient,
        SqliteException sqlite => sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked,
        SocketException or TimeoutException => true,
        _ => error.InnerException is { } inner && IsTransient(inner),
    };

    private const int SqliteBusy = 5, SqliteLocked = 6;

    /// <summary>
    /// A conflict another try resolves (serialisation failure 40001, deadlock 40P01: the transaction was rolled back whole),
    /// the server going down or starting (57P01–57P03), a lost connection (class 08), or what Npgsql calls transient
    /// (resources exhausted, lock not available).
    /// </summary>
    private static bool IsTransient(PostgresException e) =>
        e.IsTransient
        || e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
        || e.SqlState.StartsWith("08", StringComparison.Ordinal);
}
