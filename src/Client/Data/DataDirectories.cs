namespace AeGrid.Client.Data;

/// <summary>Where `aegrid data fetch` puts a dataset when no --dir is given.</summary>
internal static class DataDirectories
{
    /// <summary>Overrides the per-user data root; DatasetCatalog looks here first too.</summary>
    public const string DataRootVariable = "AEGRID_DATA";

    /// <summary>$AEGRID_DATA/&lt;name&gt; when set, else ~/.aegrid/data/&lt;name&gt; — both on DatasetCatalog's search path.</summary>
    public static string DefaultFor(string datasetName)
    {
        var root = Environment.GetEnvironmentVariable(DataRootVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aegrid", "data");
        return Path.Combine(root, datasetName);
    }
}
