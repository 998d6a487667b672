using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using Npgsql;

namespace AeGrid.Deploy.Tests;

[CollectionDefinition(PostgresServer.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;

/// <summary>
/// The dev overlay's one-time bootstrap (overlays/dev/initdb/10-aegrid-roles.sh), run for real with psql against a
/// throw-away PostgreSQL, as the image's entrypoint runs it: then AeGrid migrates its schema as `aegrid`, which must
/// own it without being a superuser.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresBootstrapTests(PostgresServer server)
{
    [Fact]
    public async Task Bootstrap_creates_a_schema_owner_that_is_not_a_superuser_and_a_reader()
    {
        var script = Path.Combine(Tools.K8sDir, "overlays", "dev", "initdb", "10-aegrid-roles.sh");
        // Passwords with quotes and a psql meta-character: they must arrive as literals, not as SQL.
        var run = Tools.Run("sh", [script], new Dictionary<string, string>
        {
            ["POSTGRES_USER"] = "postgres", ["PGHOST"] = server.Host, ["PGPORT"] = server.Port.ToString(),
            ["AEGRID_PASSWORD"] = "it's \\secret", ["AEGRID_READER_PASSWORD"] = "r'; DROP ROLE postgres; --",
        });
        Assert.True(run.ExitCode == 0, $"bootstrap failed: {run.Stderr}");

        await using (var admin = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            var roles = await RowsAsync(admin, """
                SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolpassword IS NOT NULL
                FROM pg_authid WHERE rolname IN ('aegrid', 'aegrid_reader', 'postgres') ORDER BY rolname
                """);
            Assert.Equal(["aegrid|False|False|False|True|True", "aegrid_reader|False|False|False|True|True", "postgres|True|True|True|True|False"], roles);
            Assert.Equal(["aegrid"], await RowsAsync(admin, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'aegrid'"));
        }

        // AeGrid's own migrations, as the silos run them, logged in as `aegrid` (the test server trusts local logins).
        var asAegrid = new NpgsqlConnectionStringBuilder(server.ConnectionString("aegrid")) { Username = "aegrid" }.ConnectionString;
        await using (var store = PostgresTrialStore.Create(asAegrid))
            await store.MigrateAsync();
        await using var connection = new NpgsqlConnection(asAegrid);
        await connection.OpenAsync();
        var owners = await RowsAsync(connection, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'");
        Assert.Equal(["aegrid"], owners);
        Assert.Contains("trials", await RowsAsync(connection, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"));
    }

    static async Task<List<string>> RowsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i))));
        return rows;
    }
}
