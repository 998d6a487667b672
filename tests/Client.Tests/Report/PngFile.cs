using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace AeGrid.Client.Tests.Report;

/// <summary>One chunk as stored: its type, data, and the CRC written after it.</summary>
internal sealed record PngChunk(string Type, byte[] Data, uint StoredCrc);

/// <summary>
/// A minimal PNG reader for tests, written from the PNG spec independently of the writer: splits the chunks,
/// checks each CRC with System.IO.Hashing, inflates the IDAT data and undoes the five scanline filters.
/// Handles exactly what the writer may produce (8-bit grayscale or RGB, not interlaced) and rejects anything else.
/// </summary>
internal sealed class PngFile
{
    static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    PngFile(IReadOnlyList<PngChunk> chunks, int width, int height, int bitDepth, int colourType, byte[] header, byte[] pixels)
    {
        Chunks = chunks;
        Width = width;
        Height = height;
        BitDepth = bitDepth;
        ColourType = colourType;
        Header = header;
        Pixels = pixels;
    }

    public IReadOnlyList<PngChunk> Chunks { get; }
    public int Width { get; }
    public int Height { get; }
    public int BitDepth { get; }
    public int ColourType { get; }
    /// <summary>The 13 IHDR bytes.</summary>
    public byte[] Header { get; }
    public int Channels => ColourType == 0 ? 1 : 3;
    /// <summary>Unfiltered pixels, row-major, channels interleaved.</summary>
    public byte[] Pixels { get; }

    public static PngFile Read(string path) => Decode(File.ReadAllBytes(path));

    public static PngFile Decode(byte[] png)
    {
        if (!png.AsSpan(0, 8).SequenceEqual(Signature)) throw new FormatException("no PNG signature");
        var chunks = new List<PngChunk>();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var typeAndData = png.AsSpan(at + 4, 4 + length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            if (Crc32.HashToUInt32(typeAndData) != stored)
                throw new FormatException($"chunk {Encoding.ASCII.GetString(typeAndData[..4])}: CRC mismatch");
            chunks.Add(new PngChunk(Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray(), stored));
            at += 12 + length;
        }
        if (chunks[0].Type != "IHDR" || chunks[^1].Type != "IEND") throw new FormatException("IHDR must come first and IEND last");
        var header = chunks[0].Data;
        int width = BinaryPrimitives.ReadInt32BigEndian(header), height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        int bitDepth = header[8], colourType = header[9];
        if (bitDepth != 8 || colourType is not (0 or 2) || header[10] != 0 || header[11] != 0 || header[12] != 0)
            throw new FormatException($"unsupported IHDR: depth {bitDepth}, colour type {colourType}, methods {header[10]}/{header[11]}/{header[12]}");

        using var compressed = new MemoryStream(chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray());
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        zlib.CopyTo(inflated);
        int channels = colourType == 0 ? 1 : 3, stride = width * channels;
        var raw = inflated.ToArray();
        if (raw.Length != height * (stride + 1)) throw new FormatException($"IDAT inflates to {raw.Length} bytes, expected {height * (stride + 1)}");
        return new PngFile(chunks, width, height, bitDepth, colourType, header, Unfilter(raw, height, stride, channels));
    }

    static byte[] Unfilter(byte[] raw, int height, int stride, int bpp)
    {
        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            for (int x = 0; x < stride; x++)
            {
                int a = x >= bpp ? pixels[y * stride + x - bpp] : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
                int c = x >= bpp && y > 0 ? pixels[(y - 1) * stride + x - bpp] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) >> 1,
                    4 => Paeth(a, b, c),
                    _ => throw new FormatException($"row {y}: unknown filter type {filter}"),
                };
                pixels[y * stride + x] = (byte)(raw[y * (stride + 1) + 1 + x] + predictor);
            }
        }
        return pixels;
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Grayscale value of pixel (x, y); RGB pictures must be gray there for this to be meaningful.</summary>
    public byte Gray(int x, int y) => Pixels[(y * Width + x) * Channels];
}
