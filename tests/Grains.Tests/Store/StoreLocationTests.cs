using AeGrid.Grains.Store;
using Npgsql;
using Orleans.Runtime;

namespace AeGrid.Grains.Tests.Store;

public sealed class StoreLocationTests
{
    private static readonly string Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    [Theory]
    [InlineData("sqlite:/var/lib/aegrid/grid.db", "/var/lib/aegrid/grid.db")]
    [InlineData("sqlite:///var/lib/aegrid/grid", "/var/lib/aegrid/grid")]
    [InlineData("/srv/aegrid.sqlite", "/srv/aegrid.sqlite")]
    public void SQLite_locations_become_absolute_paths(string text, string path) =>
        Assert.Equal(new StoreLocation.Sqlite(path), StoreLocation.Parse(text));

    [Fact]
    public void A_home_relative_SQLite_path_is_expanded()
    {
        Assert.Equal(new StoreLocation.Sqlite(Path.Combine(Home, ".aegrid", "aegrid.db")), StoreLocation.Parse("sqlite:~/.aegrid/aegrid.db"));
        Assert.Equal(Path.Combine(Home, ".aegrid", "aegrid.db"), StoreLocation.Default.Path);
        Assert.Equal(new StoreLocation.Sqlite(Path.GetFullPath("runs/local.db")), StoreLocation.Parse("runs/local.db"));
    }

    [Fact]
    public void A_postgres_URL_becomes_an_Npgsql_connection_string()
    {
        var location = Assert.IsType<StoreLocation.Postgres>(
            StoreLocation.Parse("postgres://aegrid:p%40ss%3Bword@db.example:6543/grid?sslmode=require&application_name=aegrid-silo"));

        var parsed = new NpgsqlConnectionStringBuilder(location.ConnectionString);
        Assert.Equal(("db.example", 6543, "aegrid", "p@ss;word", "grid"), (parsed.Host, parsed.Port, parsed.Username, parsed.Password, parsed.Database));
        Assert.Equal(SslMode.Require, parsed.SslMode);
        Assert.Equal("aegrid-silo", parsed.ApplicationName);
        Assert.DoesNotContain("p@ss", location.ToString());
    }

    [Fact]
    public void A_postgresql_URL_without_port_or_password_keeps_Npgsqls_defaults()
    {
        var parsed = new NpgsqlConnectionStringBuilder(((StoreLocation.Postgres)StoreLocation.Parse("postgresql://localhost/aegrid")).ConnectionString);

        Assert.Equal(("localhost", 5432, "aegrid", (string?)null), (parsed.Host, parsed.Port, parsed.Database, parsed.Password));
    }

    [Fact]
    public void An_Npgsql_connection_string_is_taken_as_is_and_its_password_hidden_when_shown()
    {
        var location = Assert.IsType<StoreLocation.Postgres>(StoreLocation.Parse("Host=db;Database=aegrid;Username=u;Password=hunter2"));

        Assert.Equal("hunter2", new NpgsqlConnectionStringBuilder(location.ConnectionString).Password);
        Assert.DoesNotContain("hunter2", location.ToString());
        Assert.Contains("Password=***", location.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("aegrid", "'aegrid' is not a store location")]
    [InlineData("sqlite:", "names no file")]
    [InlineData("postgres://db.example/grid?pool_size_typo=3", "'pool_size_typo'")]
    [InlineData("postgres://db.example/a/b", "not a database name")]
    [InlineData("Database=aegrid;Username=u", "names no Host")]
    [InlineData("Host=db;Colour=blue", "not valid")]
    public void Anything_else_is_refused_saying_what_is_wrong(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => StoreLocation.Parse(text));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_refused_location_that_may_hold_a_password_is_not_echoed()
    {
        var error = Assert.Throws<FormatException>(() => StoreLocation.Parse("mysql://root:hunter2@db/aegrid"));

        Assert.DoesNotContain("hunter2", error.Message);
        Assert.Contains("postgres://", error.Message); // it says which forms work
    }

    [Fact]
    public void Options_validators_name_the_property_at_fault()
    {
        var missing = Assert.Throws<OrleansConfigurationException>(() =>
            new PostgresStoreOptionsValidator(new PostgresStoreOptions()).ValidateConfiguration());
        var malformed = Assert.Throws<OrleansConfigurationException>(() =>
            new PostgresStoreOptionsValidator(new PostgresStoreOptions { ConnectionString = "Host=db;Password=hunter2;Colour=blue" }).ValidateConfiguration());
        var folder = Assert.Throws<OrleansConfigurationException>(() =>
            new SqliteStoreOptionsValidator(new SqliteStoreOptions { Path = Path.GetTempPath() }).ValidateConfiguration());

        Assert.Contains("ConnectionString", missing.Message);
        Assert.Contains("ConnectionString", malformed.Message);
        Assert.DoesNotContain("hunter2", malformed.Message);
        Assert.Contains("folder", folder.Message);
        new PostgresStoreOptionsValidator(new PostgresStoreOptions { ConnectionString = "postgres://u:p@db/aegrid" }).ValidateConfiguration();
    }
}
