namespace AeGrid.Models.Data;

/// <summary>Images as float pixels in [0,1] (N×28×28 flattened to N×784 rows) with their labels.</summary>
public sealed record ImageSet(float[] Pixels, byte[] Labels, int Count, int Rows, int Columns);

/// <summary>A train and test split, loaded once and shared read-only between trainings.</summary>
public sealed record Dataset(string Name, ImageSet Train, ImageSet Test);

/// <summary>Finds and loads datasets by name or path (see the README for the search order).</summary>
public static class DatasetCatalog
{
    /// <summary>mnist / fashion-mnist from $AEGRID_DATA/&lt;name&gt;, ~/.aegrid/data/&lt;name&gt;, /usr/share/datasets/&lt;name&gt;; or a directory path.</summary>
    public static Dataset Load(string nameOrPath, int? limit = null) => throw new NotImplementedException();
}
