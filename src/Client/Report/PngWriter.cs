using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AeGrid.Client.Report;

/// <summary>
/// Encodes a <see cref="RasterImage"/> as a PNG (8-bit grayscale or RGB, no interlacing): the signature, IHDR,
/// one IDAT holding the filtered, zlib-compressed scanlines, IEND. Every picture of `aegrid report` goes through here, the
/// ScottPlot latent plot included, so there is one encoder to trust.
/// </summary>
internal static class PngWriter
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // PNG colour types (PNG spec, table 11.1).
    const byte Grayscale = 0;
    const byte TrueColour = 2;
    // Scanline filter types (PNG spec 9.2); each row is stored with the one that makes it smallest.
    const byte None = 0, Sub = 1, Up = 2, Average = 3, Paeth = 4;

    public static byte[] Encode(RasterImage image)
    {
        using var png = new MemoryStream();
        png.Write(Signature);
        WriteChunk(png, "IHDR", Header(image));
        WriteChunk(png, "IDAT", CompressedScanlines(image));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    static byte[] Header(RasterImage image)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), image.Height);
        header[8] = 8; // bits per channel
        header[9] = image.Channels == 1 ? Grayscale : TrueColour;
        header[10] = 0; // compression: deflate, the only one defined
        header[11] = 0; // filter method: adaptive filtering with the five basic types
        header[12] = 0; // no interlacing
        return header;
    }

    static byte[] CompressedScanlines(RasterImage image)
    {
        int stride = image.BytesPerRow, bytesPerPixel = image.Channels;
        var previous = new byte[stride]; // the row above the first is all zeros
        var candidates = new byte[5][];
        for (int f = 0; f < candidates.Length; f++) candidates[f] = new byte[stride];
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < image.Height; y++)
            {
                var row = image.Pixels.AsSpan(y * stride, stride);
                byte best = ChooseFilter(row, previous, bytesPerPixel, candidates);
                zlib.WriteByte(best);
                zlib.Write(candidates[best]);
                row.CopyTo(previous);
            }
        }
        return compressed.ToArray();
    }

    /// <summary>
    /// Filters <paramref name="row"/> all five ways into <paramref name="candidates"/> and returns the type whose
    /// output has the smallest sum of absolute values (as signed bytes): the heuristic the PNG spec recommends (12.8).
    /// </summary>
    static byte ChooseFilter(ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, int bytesPerPixel, byte[][] candidates)
    {
        byte best = None;
        long bestScore = long.MaxValue;
        for (byte type = None; type <= Paeth; type++)
        {
            var output = candidates[type];
            long score = 0;
            for (int i = 0; i < row.Length; i++)
            {
                int left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
                int up = above[i];
                int upLeft = i >= bytesPerPixel ? above[i - bytesPerPixel] : 0;
                int predicted = type switch
                {
                    Sub => left,
                    Up => up,
                    Average => (left + up) / 2,
                    Paeth => PaethPredictor(left, up, upLeft),
                    _ => 0,
                };
                var filtered = (byte)(row[i] - predicted);
                output[i] = filtered;
                score += Math.Abs((int)(sbyte)filtered);
            }
            if (score < bestScore) (best, bestScore) = (type, score);
        }
        return best;
    }

    /// <summary>Whichever of left, up and upper-left is closest to left + up − upper-left (PNG spec 9.4).</summary>
    static int PaethPredictor(int left, int up, int upLeft)
    {
        int estimate = left + up - upLeft;
        int toLeft = Math.Abs(estimate - left), toUp = Math.Abs(estimate - up), toUpLeft = Math.Abs(estimate - upLeft);
        if (toLeft <= toUp && toLeft <= toUpLeft) return left;
        return toUp <= toUpLeft ? up : upLeft;
    }

    /// <summary>Length, type, data, then the CRC of type and data (PNG spec 5.3).</summary>
    static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typeBytes, data));
        png.Write(word);
    }
}
