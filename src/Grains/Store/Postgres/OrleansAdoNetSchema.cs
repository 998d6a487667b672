using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>
/// The tables and query texts that Orleans' ADO.NET clustering and reminder providers (Microsoft.Orleans.Clustering.AdoNet
/// and Reminders.AdoNet 10.4.2, invariant "Npgsql") read from PostgreSQL. Their packages ship no SQL: each provider loads
/// <c>SELECT QueryKey, QueryText FROM OrleansQuery</c> at start-up and fails with "Not all required queries found" unless
/// every key it knows is there. This is AeGrid's own version of that schema, applied idempotently as a store migration
/// (see <see cref="PostgresTrialStore.MigrateAsync"/>) or on its own with <see cref="ApplyAsync"/>.
/// </summary>
/// <remarks>
/// The contract with the providers, taken from their parameter binding and result reading:
/// parameters are bound by name (<c>@DeploymentId</c>, <c>@Address</c>, …) with .NET types (int, string, UTC DateTime);
/// results are read by column name; "boolean" queries must return exactly one row with one column, non-zero meaning
/// success. Times are <c>timestamptz</c>: the providers send UTC DateTimes, which Npgsql only writes to timestamptz
/// (dotnet/orleans#7424). Membership writes are optimistic: an insert or update succeeds only together with bumping the
/// deployment's version row from the version the silo last read, and both happen in one statement or not at all.
/// </remarks>
public static class OrleansAdoNetSchema
{
    /// <summary>The tables; every statement is safe to run again.</summary>
    public const string Tables = """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey  varchar(64) PRIMARY KEY,
            QueryText text NOT NULL
        );

        -- One row per deployment (cluster id); its Version is the membership table's optimistic-concurrency token.
        CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable (
            DeploymentId text PRIMARY KEY,
            Timestamp    timestamptz NOT NULL DEFAULT now(),
            Version      integer NOT NULL DEFAULT 0
        );

        -- One row per silo incarnation (address, port, generation).
        CREATE TABLE IF NOT EXISTS OrleansMembershipTable (
            DeploymentId text NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId) ON DELETE CASCADE,
            Address      text NOT NULL,
            Port         integer NOT NULL,
            Generation   integer NOT NULL,
            SiloName     text NOT NULL,
            HostName     text NOT NULL,
            Status       integer NOT NULL,
            ProxyPort    integer NULL,
            SuspectTimes text NULL,
            StartTime    timestamptz NOT NULL,
            IAmAliveTime timestamptz NOT NULL,
            PRIMARY KEY (DeploymentId, Address, Port, Generation)
        );

        -- Durable reminders; GrainHash places a reminder in a silo's range of the consistent-hash ring.
        CREATE TABLE IF NOT EXISTS OrleansRemindersTable (
            ServiceId    text NOT NULL,
            GrainId      text NOT NULL,
            ReminderName text NOT NULL,
            StartTime    timestamptz NOT NULL,
            Period       bigint NOT NULL,
            GrainHash    integer NOT NULL,
            Version      integer NOT NULL,
            PRIMARY KEY (ServiceId, GrainId, ReminderName)
        );
        CREATE INDEX IF NOT EXISTS OrleansRemindersTable_ServiceId_GrainHash ON OrleansRemindersTable (ServiceId, GrainHash);
        """;

    /// <summary>The 9 clustering keys the 10.4.2 clustering provider requires, by key.</summary>
    public static readonly IReadOnlyDictionary<string, string> ClusteringQueries = new Dictionary<string, string>
    {
        // Heartbeat: the provider does not look at the result.
        ["UpdateIAmAlivetimeKey"] = """
            UPDATE OrleansMembershipTable
            SET IAmAliveTime = @IAmAliveTime
            WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
            """,

        // 1 when this call created the deployment's version row, 0 when it existed.
        ["InsertMembershipVersionKey"] = """
            WITH created AS (
                INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
                ON CONFLICT (DeploymentId) DO NOTHING
                RETURNING 1
            )
            SELECT count(*)::integer FROM created;
            """,

        // The version bump is the gate: it locks the version row, so of two silos holding the same version only one
        // gets through; the other re-reads the row after the first commits, sees a new version and inserts nothing.
        ["InsertMembershipKey"] = """
            WITH bumped AS (
                UPDATE OrleansMembershipVersionTable
                SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND Version = @Version
                  AND NOT EXISTS (SELECT 1 FROM OrleansMembershipTable
                                  WHERE DeploymentId = @DeploymentId AND Address = @Address
                                    AND Port = @Port AND Generation = @Generation)
                RETURNING DeploymentId
            ), inserted AS (
                INSERT INTO OrleansMembershipTable
                    (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                SELECT b.DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
                       @StartTime, @IAmAliveTime
                FROM bumped b
                ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING
                RETURNING 1
            )
            SELECT count(*)::integer FROM inserted;
            """,

        // Same gate as the insert: the row changes only if the version moves from the one the silo read.
        ["UpdateMembershipKey"] = """
            WITH bumped AS (
                UPDATE OrleansMembershipVersionTable
                SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND Version = @Version
                  AND EXISTS (SELECT 1 FROM OrleansMembershipTable
                              WHERE DeploymentId = @DeploymentId AND Address = @Address
                                AND Port = @Port AND Generation = @Generation)
                RETURNING DeploymentId
            ), updated AS (
                UPDATE OrleansMembershipTable m
                SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
                FROM bumped b
                WHERE m.DeploymentId = b.DeploymentId AND m.Address = @Address
                  AND m.Port = @Port AND m.Generation = @Generation
                RETURNING 1
            )
            SELECT count(*)::integer FROM updated;
            """,

        // The version row always comes back (the provider takes the table version from it), joined to the silo's row if any.
        ["MembershipReadRowKey"] = """
            SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
                   m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m
                   ON m.DeploymentId = v.DeploymentId
                  AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId;
            """,

        ["MembershipReadAllKey"] = """
            SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
                   m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
            WHERE v.DeploymentId = @DeploymentId;
            """,

        // Silo rows go with their version row (ON DELETE CASCADE).
        ["DeleteMembershipTableEntriesKey"] = """
            DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
            """,

        // Gateways clients may connect to: silos with the status asked for (Active) that listen for clients.
        ["GatewaysQueryKey"] = """
            SELECT Address, ProxyPort, Generation
            FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
            """,

        // Forget silos not heard from since @IAmAliveTime, unless they are (still) marked Active (status 3):
        // an Active row is left for the membership protocol to declare dead first.
        ["CleanupDefunctSiloEntriesKey"] = """
            DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3;
            """,
    };

    /// <summary>The 7 reminder keys the 10.4.2 reminder provider requires, by key.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReminderQueries = new Dictionary<string, string>
    {
        // Returns the row's new Version, which the provider hands out as the reminder's ETag.
        ["UpsertReminderRowKey"] = """
            INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
            VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
            ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
            SET StartTime = EXCLUDED.StartTime, Period = EXCLUDED.Period, GrainHash = EXCLUDED.GrainHash,
                Version = OrleansRemindersTable.Version + 1
            RETURNING Version;
            """,

        ["ReadReminderRowsKey"] = """
            SELECT GrainId, ReminderName, StartTime, Period, Version
            FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND GrainId = @GrainId;
            """,

        ["ReadReminderRowKey"] = """
            SELECT GrainId, ReminderName, StartTime, Period, Version
            FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;
            """,

        // A ring range that does not wrap (begin < end as signed ints): (begin, end].
        ["ReadRangeRows1Key"] = """
            SELECT GrainId, ReminderName, StartTime, Period, Version
            FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;
            """,

        // A range that wraps around the end of the ring: (begin, max] ∪ [min, end].
        ["ReadRangeRows2Key"] = """
            SELECT GrainId, ReminderName, StartTime, Period, Version
            FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
            """,

        // 1 when the row with this ETag (Version) was deleted, 0 when it was gone or had changed.
        ["DeleteReminderRowKey"] = """
            WITH deleted AS (
                DELETE FROM OrleansRemindersTable
                WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version
                RETURNING 1
            )
            SELECT count(*)::integer FROM deleted;
            """,

        ["DeleteReminderRowsKey"] = """
            DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
            """,
    };

    /// <summary>
    /// Creates the tables if missing and writes (or rewrites) every query text. Serialised with the trial store's
    /// migrations by the same advisory lock, so any number of processes may run it at once.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await PostgresSchema.LockMigrationsAsync(connection, tx, ct).ConfigureAwait(false);
        await ApplyAsync(connection, tx, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Applies the schema inside a transaction the caller holds (and has locked).</summary>
    internal static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using (var create = new NpgsqlCommand(Tables, connection, tx))
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);

        var queries = ClusteringQueries.Concat(ReminderQueries).ToArray();
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO OrleansQuery (QueryKey, QueryText)
            SELECT * FROM unnest($1::text[], $2::text[])
            ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText
            """, connection, tx);
        upsert.Parameters.Add(new NpgsqlParameter { Value = queries.Select(q => q.Key).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter { Value = queries.Select(q => q.Value).ToArray() });
        await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
