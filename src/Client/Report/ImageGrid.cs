namespace AeGrid.Client.Report;

/// <summary>How image grids are drawn: each source pixel becomes Scale×Scale pixels, tiles are Gap pixels apart.</summary>
internal sealed record GridLayout(int Scale = 2, int Gap = 2)
{
    public const int MaxScale = 16;

    /// <summary>White between tiles: black-background digits stand apart as on matplotlib's white figure in the tutorials.</summary>
    public const byte GapShade = 255;

    public void Validate()
    {
        if (Scale is < 1 or > MaxScale) throw new ArgumentOutOfRangeException(nameof(Scale), Scale, $"scale must be between 1 and {MaxScale}, got {Scale}");
        if (Gap is < 0 or > 64) throw new ArgumentOutOfRangeException(nameof(Gap), Gap, $"gap must be between 0 and 64 pixels, got {Gap}");
    }

    /// <summary>Pixel size of a grid of <paramref name="rows"/>×<paramref name="columns"/> tiles of <paramref name="tileSide"/>², gaps around and between.</summary>
    public (int Width, int Height) SizeOf(int rows, int columns, int tileSide) =>
        (columns * tileSide * Scale + (columns + 1) * Gap, rows * tileSide * Scale + (rows + 1) * Gap);
}

/// <summary>
/// Lays out square grayscale images (pixel values in [0,1], 0 black, 1 white, as matplotlib's gray colour map
/// shows the tutorials' digits) in rows, nearest-neighbour scaled, as one 8-bit grayscale <see cref="RasterImage"/>.
/// </summary>
internal static class ImageGrid
{
    /// <param name="rows">Each row's tiles (side×side floats each); a null tile or a short row leaves its cells blank.</param>
    /// <param name="columns">Cells per row.</param>
    public static RasterImage Compose(IReadOnlyList<IReadOnlyList<ReadOnlyMemory<float>?>> rows, int columns, int side, GridLayout layout)
    {
        layout.Validate();
        if (rows.Count == 0 || columns < 1) throw new ArgumentException($"a grid needs at least one row and column, got {rows.Count}×{columns}");
        var (width, height) = layout.SizeOf(rows.Count, columns, side);
        var pixels = new byte[width * height];
        Array.Fill(pixels, GridLayout.GapShade);
        int cell = side * layout.Scale;
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Count > columns)
                throw new ArgumentException($"row {r} has {rows[r].Count} images but the grid has {columns} columns");
            for (int c = 0; c < rows[r].Count; c++)
            {
                if (rows[r][c] is not { } tile) continue;
                if (tile.Length != side * side)
                    throw new ArgumentException($"image at row {r}, column {c} has {tile.Length} pixels, expected {side}×{side}");
                DrawTile(pixels, width, layout.Gap + c * (cell + layout.Gap), layout.Gap + r * (cell + layout.Gap), tile.Span, side, layout.Scale);
            }
        }
        return new RasterImage(width, height, 1, pixels);
    }

    /// <summary>Image <paramref name="index"/> of a row-major Count×side×side array.</summary>
    public static ReadOnlyMemory<float> Tile(float[] images, int index, int side) => images.AsMemory(index * side * side, side * side);

    static void DrawTile(byte[] pixels, int width, int left, int top, ReadOnlySpan<float> tile, int side, int scale)
    {
        for (int y = 0; y < side * scale; y++)
        {
            var target = pixels.AsSpan((top + y) * width + left, side * scale);
            var source = tile.Slice(y / scale * side, side);
            for (int x = 0; x < target.Length; x++) target[x] = ToByte(source[x / scale]);
        }
    }

    /// <summary>[0,1] to 0..255; values outside (an unclipped noisy input) are clamped, NaN shows black.</summary>
    static byte ToByte(float value) => float.IsNaN(value) ? (byte)0 : (byte)MathF.Round(Math.Clamp(value, 0f, 1f) * 255f);
}
