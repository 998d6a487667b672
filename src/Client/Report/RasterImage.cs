namespace AeGrid.Client.Report;

/// <summary>
/// An 8-bit image held in memory: <see cref="Channels"/> is 1 (grayscale) or 3 (RGB), pixels row-major from the
/// top-left, channels interleaved. What the pictures produce and <see cref="PngEncoding"/> encodes.
/// </summary>
internal sealed record RasterImage
{
    public RasterImage(int width, int height, int channels, byte[] pixels)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"an image needs at least one pixel, got {width}×{height}");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (grayscale) or 3 (RGB)");
        if (pixels.Length != (long)width * height * channels)
            throw new ArgumentException($"{width}×{height}×{channels} needs {(long)width * height * channels} bytes, got {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public byte[] Pixels { get; }

    public int BytesPerRow => Width * Channels;
}
