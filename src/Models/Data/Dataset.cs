namespace AeGrid.Models.Data;

/// <summary>Images as float pixels in [0,1] (N×28×28 flattened to N×784 rows) with their labels.</summary>
public sealed record ImageSet(float[] Pixels, byte[] Labels, int Count, int Rows, int Columns)
{
    public int PixelsPerImage => Rows * Columns;

    /// <summary>The first <paramref name="count"/> images (a copy; the source is left as it is).</summary>
    public ImageSet Take(int count)
    {
        if (count >= Count) return this;
        return this with
        {
            Pixels = Pixels.AsSpan(0, count * PixelsPerImage).ToArray(),
            Labels = Labels.AsSpan(0, count).ToArray(),
            Count = count,
        };
    }
}

/// <summary>A train and test split, loaded once and shared read-only between trainings.</summary>
public sealed record Dataset(string Name, ImageSet Train, ImageSet Test)
{
    /// <summary>The directory the IDX files were read from ("" when built in memory).</summary>
    public string Directory { get; init; } = "";
}
