using System.Buffers.Binary;
using System.IO.Compression;

namespace AeGrid.Models.Data;

/// <summary>
/// Reads IDX files (the MNIST format: a big-endian magic number, the dimensions, then raw bytes), gzip-compressed
/// or not; compression is detected from the content, not the name. Every problem names the file.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an image file: unsigned bytes (0x08), three dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;
    /// <summary>Magic number of a label file: unsigned bytes (0x08), one dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Raw image bytes (count × rows × columns, row-major) and the shape.</summary>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var content = ReadContent(path);
        CheckMagic(path, content, ImagesMagic);
        if (content.Length < 16)
            throw new DatasetFormatException(path, $"truncated: an image file needs a 16-byte header, found {content.Length} bytes");
        int count = ReadDimension(path, content, 4, "image count");
        int rows = ReadDimension(path, content, 8, "row count");
        int columns = ReadDimension(path, content, 12, "column count");
        long expected = (long)count * rows * columns;
        long available = content.Length - 16;
        if (available < expected)
            throw new DatasetFormatException(path,
                $"truncated: header says {count} images of {rows}×{columns} ({expected} bytes) but only {available} bytes follow");
        if (available > expected)
            throw new DatasetFormatException(path,
                $"{available - expected} unexpected bytes after the {count} images of {rows}×{columns} that the header announces");
        return (content.AsSpan(16).ToArray(), count, rows, columns);
    }

    /// <summary>One label byte per image.</summary>
    public static byte[] ReadLabels(string path)
    {
        var content = ReadContent(path);
        CheckMagic(path, content, LabelsMagic);
        if (content.Length < 8)
            throw new DatasetFormatException(path, $"truncated: a label file needs an 8-byte header, found {content.Length} bytes");
        int count = ReadDimension(path, content, 4, "label count");
        long available = content.Length - 8;
        if (available < count)
            throw new DatasetFormatException(path, $"truncated: header says {count} labels but only {available} bytes follow");
        if (available > count)
            throw new DatasetFormatException(path, $"{available - count} unexpected bytes after the {count} labels that the header announces");
        return content.AsSpan(8).ToArray();
    }

    static byte[] ReadContent(string path)
    {
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new DatasetFormatException(path, "file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(path, $"cannot be read: {e.Message}", e);
        }
        // gzip members start with 1f 8b; IDX files start with two zero bytes, so the two cannot be confused.
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
        try
        {
            using var unpacked = new MemoryStream(capacity: raw.Length * 2);
            using (var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress))
                gzip.CopyTo(unpacked);
            return unpacked.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, $"corrupt gzip data: {e.Message}", e);
        }
    }

    static void CheckMagic(string path, byte[] content, int expected)
    {
        if (content.Length < 4)
            throw new DatasetFormatException(path, $"truncated: {content.Length} bytes, too short for an IDX header");
        int found = BinaryPrimitives.ReadInt32BigEndian(content);
        if (found != expected)
            throw new DatasetFormatException(path, $"expected magic {expected} ({Describe(expected)}), found {found} ({Describe(found)})");
    }

    static string Describe(int magic) => magic switch
    {
        ImagesMagic => "images",
        LabelsMagic => "labels",
        _ => "not an MNIST IDX file",
    };

    static int ReadDimension(string path, byte[] content, int offset, string what)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(offset));
        if (value <= 0) throw new DatasetFormatException(path, $"header gives {what} {value}; it must be positive");
        return value;
    }
}
