using Orleans;
using Orleans.Runtime;

namespace AeGrid.Grains.Store;

/// <summary>Settings of the embedded SQLite trial store (<see cref="TrialStoreHostingExtensions.UseSqliteTrialStore"/>).</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file; created (with its folder) when missing. Defaults to ~/.aegrid/aegrid.db.</summary>
    public string Path { get; set; } = StoreLocation.Default.Path;
}

/// <summary>Fails silo start-up when <see cref="SqliteStoreOptions"/> cannot work, naming the property and value.</summary>
public sealed class SqliteStoreOptionsValidator(SqliteStoreOptions options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.Path))
            throw new OrleansConfigurationException(
                $"Invalid {nameof(SqliteStoreOptions)}: {nameof(SqliteStoreOptions.Path)} is required (e.g. ~/.aegrid/aegrid.db)");
        if (Directory.Exists(options.Path))
            throw new OrleansConfigurationException(
                $"Invalid {nameof(SqliteStoreOptions)}.{nameof(SqliteStoreOptions.Path)} '{options.Path}': it is a folder, not a database file");
    }
}
