using System.Buffers.Binary;
using AeGrid.Client.Report;
using SkiaSharp;

namespace AeGrid.Client.Tests.Report;

/// <summary>
/// The pictures go through SkiaSharp's PNG encoder; these check, with the tests' own PNG decoder (<see cref="PngFile"/>:
/// signature, every chunk's CRC, inflate, unfilter) and with Skia's decoder, that what it writes is the image we gave it.
/// </summary>
public sealed class PngEncodingTests
{
    [Fact]
    public void A_grayscale_image_has_the_signature_header_fields_valid_crcs_and_decodes_to_the_same_pixels()
    {
        var image = Pattern(width: 37, height: 23, channels: 1);

        var png = PngFile.Decode(PngEncoding.Encode(image)); // checks the signature and every chunk's CRC

        Assert.Equal("IHDR", png.Chunks[0].Type);
        Assert.Contains("IDAT", png.Chunks.Select(c => c.Type));
        Assert.Equal(13, png.Header.Length);
        Assert.Equal((37, 23, 8, 0), (png.Width, png.Height, png.BitDepth, png.ColourType));
        Assert.Equal([0, 0, 0], png.Header[10..]); // deflate, adaptive filtering, no interlace
        Assert.Empty(png.Chunks[^1].Data);
        Assert.Equal(0xAE426082u, png.Chunks[^1].StoredCrc); // the CRC of "IEND" every PNG ends with
        Assert.Equal(image.Pixels, png.Pixels);
    }

    [Fact]
    public void An_rgb_image_round_trips_through_this_decoder_and_through_skia()
    {
        var image = Pattern(width: 64, height: 40, channels: 3);
        var bytes = PngEncoding.Encode(image);

        var png = PngFile.Decode(bytes);
        Assert.Equal((64, 40, 2), (png.Width, png.Height, png.ColourType));
        Assert.Equal(image.Pixels, png.Pixels);

        // A second, unrelated decoder (libpng-compatible Skia codec) must agree pixel for pixel.
        using var decoded = SKBitmap.Decode(bytes);
        Assert.NotNull(decoded);
        Assert.Equal((64, 40), (decoded.Width, decoded.Height));
        for (int y = 0; y < 40; y++)
            for (int x = 0; x < 64; x++)
            {
                var colour = decoded.GetPixel(x, y);
                int at = (y * 64 + x) * 3;
                Assert.Equal((image.Pixels[at], image.Pixels[at + 1], image.Pixels[at + 2]), (colour.Red, colour.Green, colour.Blue));
            }
    }

    [Fact]
    public void Skia_reads_a_grayscale_png_as_the_same_gray_levels()
    {
        var image = Pattern(width: 30, height: 9, channels: 1);

        using var decoded = SKBitmap.Decode(PngEncoding.Encode(image));

        Assert.NotNull(decoded);
        for (int y = 0; y < 9; y++)
            for (int x = 0; x < 30; x++)
                Assert.Equal(image.Pixels[y * 30 + x], decoded.GetPixel(x, y).Red);
    }

    [Fact]
    public void The_header_is_big_endian()
    {
        var bytes = PngEncoding.Encode(new RasterImage(300, 2, 1, new byte[600]));

        Assert.Equal(13, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)));
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        Assert.Equal(300, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Theory]
    [InlineData(0, 5, 1, 0)]
    [InlineData(4, 4, 2, 32)]
    [InlineData(4, 4, 1, 15)]
    public void A_raster_image_refuses_inconsistent_sizes(int width, int height, int channels, int bytes)
    {
        Assert.ThrowsAny<ArgumentException>(() => new RasterImage(width, height, channels, new byte[bytes]));
    }

    /// <summary>Gradients, edges and noise, so every scanline filter gets chosen somewhere.</summary>
    static RasterImage Pattern(int width, int height, int channels)
    {
        var random = new Random(7);
        var pixels = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    pixels[(y * width + x) * channels + c] = y switch
                    {
                        _ when y % 4 == 0 => (byte)random.Next(256),
                        _ when y % 4 == 1 => (byte)(x * 7 + c * 40),
                        _ when y % 4 == 2 => (byte)(x < width / 2 ? 0 : 255),
                        _ => (byte)((x + y) * 3 + c),
                    };
                }
        return new RasterImage(width, height, channels, pixels);
    }
}
