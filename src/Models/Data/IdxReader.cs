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

    /// <summary>
    /// The most an IDX file may hold once decompressed: MNIST's training images are 47 MB, so 1 GiB leaves room for
    /// bigger datasets of the same layout while keeping a crafted file from taking a silo's memory.
    /// </summary>
    public const long MaxContentBytes = 1L << 30;

    static byte[] ReadContent(string path)
    {
        byte[] raw;
        try
        {
            if (new FileInfo(path).Length > MaxContentBytes)
                throw new DatasetFormatException(path, $"is larger than {MaxContentBytes:N0} bytes, the most an IDX file may hold");
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
            return Inflate(path, raw);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, $"corrupt gzip data: {e.Message}", e);
        }
    }

    /// <summary>
    /// Decompresses no more than the IDX header inside declares (plus one byte, to notice trailing data), so a small
    /// file that inflates to gigabytes (a gzip bomb) is refused after reading what a real file of that header holds.
    /// </summary>
    static byte[] Inflate(string path, byte[] raw)
    {
        using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
        var header = new byte[16];
        var headerRead = gzip.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        var declared = DeclaredLength(header.AsSpan(0, headerRead));
        if (declared > MaxContentBytes)
            throw new DatasetFormatException(path,
                $"its header declares {declared:N0} bytes, more than the {MaxContentBytes:N0} an IDX file may hold");
        var allowed = Math.Max(declared, headerRead);
        var content = new byte[allowed + 1];
        header.AsSpan(0, headerRead).CopyTo(content);
        var total = headerRead + gzip.ReadAtLeast(content.AsSpan(headerRead), content.Length - headerRead, throwOnEndOfStream: false);
        if (total > allowed)
            throw new DatasetFormatException(path,
                $"decompresses to more than the {allowed:N0} bytes its IDX header declares; refused unread (a gzip bomb?)");
        return content.AsSpan(0, total).ToArray();
    }

    /// <summary>The whole file's length as an IDX header announces it; the header alone when it is not an MNIST header.</summary>
    static long DeclaredLength(ReadOnlySpan<byte> header)
    {
        if (header.Length < 8) return header.Length;
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic == LabelsMagic) return 8 + Dimension(header, 4);
        if (magic != ImagesMagic || header.Length < 16) return header.Length;
        // Three dimensions up to 2^31 each overflow a long; in doubles the product only needs comparing with the cap.
        var bytes = (double)Dimension(header, 4) * Dimension(header, 8) * Dimension(header, 12);
        return bytes > MaxContentBytes ? long.MaxValue : 16 + (long)bytes;
    }

    static long Dimension(ReadOnlySpan<byte> header, int offset) => Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(header[offset..]));

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
