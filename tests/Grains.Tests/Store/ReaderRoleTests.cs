using AeGrid.Grains.Store;
using AeGrid.Grains.Tests.Deploy;
using AeGrid.TestSupport;
using Npgsql;

namespace AeGrid.Grains.Tests.Store;

/// <summary>
/// Migration 7's read-only role on a real PostgreSQL: a login granted aegrid_reader runs every dashboard query and reads
/// every table, and cannot insert, update or delete in any; and a migrating user that owns its database but may not create
/// roles still migrates, skipping the role with a warning.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class ReaderRoleTests(PostgresServer server)
{
    const string InsufficientPrivilege = "42501";

    [Fact]
    public async Task A_login_granted_aegrid_reader_reads_every_table_and_dashboard_query_and_writes_none()
    {
        var database = await server.CreateDatabaseAsync($"reader_{Guid.NewGuid():N}"[..20]);
        await using (var store = PostgresTrialStore.Create(database))
        {
            await store.MigrateAsync();
            await Dashboard.SeedAsync(store, database);
        }
        var login = $"grafana_{Guid.NewGuid():N}"[..20];
        await ExecAsync(database, $"CREATE ROLE {login} LOGIN IN ROLE {ReaderRoleMigration.RoleName}");
        var tables = await TablesAsync(database);
        Assert.Contains("trials", tables);
        Assert.Contains("orleansmembershiptable", tables);

        await using var reader = new NpgsqlConnection(As(database, login));
        await reader.OpenAsync();
        using var dashboard = Dashboard.Load();
        foreach (var query in Dashboard.PanelQueries(dashboard, Dashboard.SeededSweep))
            await Dashboard.RunAsync(reader, query.Sql);
        foreach (var table in tables)
        {
            await Dashboard.RunAsync(reader, $"SELECT * FROM {table} LIMIT 1");
            var column = await FirstColumnAsync(database, table);
            foreach (var write in new[]
                     {
                         $"INSERT INTO {table} DEFAULT VALUES", $"UPDATE {table} SET {column} = {column}", $"DELETE FROM {table}",
                         $"TRUNCATE {table}",
                     })
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => Dashboard.RunAsync(reader, write));
                Assert.True(refused.SqlState == InsufficientPrivilege, $"{write}: expected permission denied, got {refused.SqlState} {refused.MessageText}");
            }
        }
    }

    [Fact]
    public async Task A_schema_owner_without_createrole_migrates_and_grants_to_a_role_that_exists()
    {
        var owner = $"owner_{Guid.NewGuid():N}"[..18];
        var postgres = server.ConnectionString("postgres");
        await ExecAsync(postgres, $"CREATE ROLE {owner} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB");
        await ExecAsync(postgres, $"""
            DO $$ BEGIN CREATE ROLE {ReaderRoleMigration.RoleName} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$
            """);
        var database = server.ConnectionString(owner);
        await ExecAsync(postgres, $"CREATE DATABASE {owner} OWNER {owner}");
        await using (var store = PostgresTrialStore.Create(As(database, owner)))
            await store.MigrateAsync();

        var login = $"viewer_{Guid.NewGuid():N}"[..18];
        await ExecAsync(postgres, $"CREATE ROLE {login} LOGIN IN ROLE {ReaderRoleMigration.RoleName}");
        await using var reader = new NpgsqlConnection(As(database, login));
        await reader.OpenAsync();
        Assert.Equal(["0"], await Dashboard.RunAsync(reader, "SELECT count(*) FROM trials"));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => Dashboard.RunAsync(reader, "DELETE FROM sweeps"));
        Assert.Equal(InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task Without_createrole_a_missing_role_is_skipped_with_a_warning_not_an_error()
    {
        var owner = $"owner_{Guid.NewGuid():N}"[..18];
        var postgres = server.ConnectionString("postgres");
        await ExecAsync(postgres, $"CREATE ROLE {owner} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB");
        await ExecAsync(postgres, $"CREATE DATABASE {owner} OWNER {owner}");
        // The migration's own SQL, for a role no test creates: the role the real one names may exist on this shared server.
        var absent = $"absent_{Guid.NewGuid():N}"[..18];
        var notices = new List<string>();
        await using var connection = new NpgsqlConnection(As(server.ConnectionString(owner), owner));
        connection.Notice += (_, e) => notices.Add(e.Notice.MessageText);
        await connection.OpenAsync();
        await Dashboard.RunAsync(connection, "CREATE TABLE t (x int)");
        await Dashboard.RunAsync(connection, ReaderRoleMigration.Sql.Replace(ReaderRoleMigration.RoleName, absent));

        Assert.Contains(notices, n => n.Contains($"role {absent} not created") && n.Contains("CREATEROLE"));
        Assert.Equal(["0"], await Dashboard.RunAsync(connection, $"SELECT count(*) FROM pg_roles WHERE rolname = '{absent}'"));
    }

    static string As(string connectionString, string user) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = user, Pooling = false }.ConnectionString;

    static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    static async Task<List<string>> TablesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        return await Dashboard.RunAsync(connection,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
    }

    static async Task<string> FirstColumnAsync(string database, string table)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        return (await Dashboard.RunAsync(connection,
            $"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position LIMIT 1"))[0];
    }
}
