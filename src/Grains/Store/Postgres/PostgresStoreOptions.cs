using Orleans;
using Orleans.Runtime;

namespace AeGrid.Grains.Store;

/// <summary>Settings of the PostgreSQL trial store (<see cref="TrialStoreHostingExtensions.UsePostgresTrialStore"/>).</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>
    /// An Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…</c>) or a URL
    /// (<c>postgres://user:password@host:5432/database</c>). Its password is never logged.
    /// </summary>
    [RedactConnectionString]
    public string ConnectionString { get; set; } = "";
}

/// <summary>Fails silo start-up when <see cref="PostgresStoreOptions"/> cannot work, naming the property.</summary>
public sealed class PostgresStoreOptionsValidator(PostgresStoreOptions options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new OrleansConfigurationException(
                $"Invalid {nameof(PostgresStoreOptions)}: {nameof(PostgresStoreOptions.ConnectionString)} is required " +
                "(e.g. postgres://aegrid:secret@db:5432/aegrid or Host=db;Database=aegrid;Username=aegrid)");
        try
        {
            PostgresTrialStore.NormaliseConnectionString(options.ConnectionString);
        }
        catch (FormatException e)
        {
            throw new OrleansConfigurationException(
                $"Invalid {nameof(PostgresStoreOptions)}.{nameof(PostgresStoreOptions.ConnectionString)}: {e.Message}", e);
        }
    }
}
