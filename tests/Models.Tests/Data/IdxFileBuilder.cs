using System.Buffers.Binary;
using System.IO.Compression;

namespace AeGrid.Models.Tests.Data;

/// <summary>Writes small IDX files (raw or gzip) so tests can craft good and broken datasets.</summary>
internal static class IdxFileBuilder
{
    public static byte[] Images(int count, int rows, int columns, Func<int, byte>? pixel = null, int magic = 0x803)
    {
        var bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (int i = 16; i < bytes.Length; i++) bytes[i] = pixel?.Invoke(i - 16) ?? (byte)((i * 7) % 256);
        return bytes;
    }

    public static byte[] Labels(int count, int magic = 0x801)
    {
        var bytes = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        for (int i = 0; i < count; i++) bytes[8 + i] = (byte)(i % 10);
        return bytes;
    }

    public static byte[] Gzip(byte[] content)
    {
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest)) gzip.Write(content);
        return packed.ToArray();
    }

    /// <summary>A complete dataset directory of 28×28 images: train and test counts as given.</summary>
    public static void WriteDataset(string directory, int trainCount, int testCount, bool gzip)
    {
        Write(directory, "train-images-idx3-ubyte", Images(trainCount, 28, 28), gzip);
        Write(directory, "train-labels-idx1-ubyte", Labels(trainCount), gzip);
        Write(directory, "t10k-images-idx3-ubyte", Images(testCount, 28, 28), gzip);
        Write(directory, "t10k-labels-idx1-ubyte", Labels(testCount), gzip);
    }

    public static string Write(string directory, string baseName, byte[] content, bool gzip)
    {
        var path = Path.Combine(directory, gzip ? baseName + ".gz" : baseName);
        File.WriteAllBytes(path, gzip ? Gzip(content) : content);
        return path;
    }
}
