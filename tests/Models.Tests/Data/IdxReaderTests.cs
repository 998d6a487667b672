using AeGrid.Models.Data;

namespace AeGrid.Models.Tests.Data;

public sealed class IdxReaderTests
{
    [Fact]
    public void Reads_gzip_and_raw_files_to_the_same_bytes_whatever_the_name_says()
    {
        using var directory = TestData.NewTemporaryDirectory();
        var content = IdxFileBuilder.Images(3, 28, 28);
        // A gzip file without .gz and a raw file with .gz: detection goes by the content.
        var packedPath = directory.File("packed-without-suffix");
        File.WriteAllBytes(packedPath, IdxFileBuilder.Gzip(content));
        var rawPath = directory.File("raw.gz");
        File.WriteAllBytes(rawPath, content);

        var packed = IdxReader.ReadImages(packedPath);
        var raw = IdxReader.ReadImages(rawPath);

        Assert.Equal((3, 28, 28), (packed.Count, packed.Rows, packed.Columns));
        Assert.Equal(content[16..], packed.Pixels);
        Assert.Equal(packed.Pixels, raw.Pixels);
    }

    [Fact]
    public void Wrong_magic_names_the_file_and_both_numbers()
    {
        using var directory = TestData.NewTemporaryDirectory();
        var path = IdxFileBuilder.Write(directory.Path, "train-images-idx3-ubyte", IdxFileBuilder.Labels(5), gzip: true);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        Assert.Equal(path, error.Path);
        Assert.StartsWith(path + ":", error.Message);
        Assert.Contains("expected magic 2051 (images), found 2049 (labels)", error.Message);
    }

    [Fact]
    public void Truncated_image_file_says_what_the_header_promised_and_what_follows()
    {
        using var directory = TestData.NewTemporaryDirectory();
        var full = IdxFileBuilder.Images(10, 28, 28);
        var path = IdxFileBuilder.Write(directory.Path, "t10k-images-idx3-ubyte", full[..(16 + 1234)], gzip: true);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path + ":", error.Message);
        Assert.Contains("truncated: header says 10 images of 28×28 (7840 bytes) but only 1234 bytes follow", error.Message);
    }

    [Fact]
    public void Truncated_label_file_and_a_file_shorter_than_its_header_are_reported()
    {
        using var directory = TestData.NewTemporaryDirectory();
        var labels = IdxFileBuilder.Write(directory.Path, "labels", IdxFileBuilder.Labels(100)[..50], gzip: false);
        var stub = IdxFileBuilder.Write(directory.Path, "stub", [0, 0, 8], gzip: false);

        Assert.Contains("truncated: header says 100 labels but only 42 bytes follow",
            Assert.Throws<DatasetFormatException>(() => IdxReader.ReadLabels(labels)).Message);
        Assert.Contains("truncated", Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(stub)).Message);
    }

    [Fact]
    public void Corrupt_gzip_names_the_file()
    {
        using var directory = TestData.NewTemporaryDirectory();
        var packed = IdxFileBuilder.Gzip(IdxFileBuilder.Images(20, 28, 28));
        var path = directory.File("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, packed[..(packed.Length / 2)]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path + ":", error.Message);
    }

    [Fact]
    public void Missing_file_is_reported_with_its_path()
    {
        using var directory = TestData.NewTemporaryDirectory();
        var path = directory.File("nothing-here");

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadLabels(path));

        Assert.Equal($"{path}: file not found", error.Message);
    }

    [Fact]
    public void Image_and_label_count_mismatch_names_the_label_file_and_both_counts()
    {
        using var directory = TestData.NewTemporaryDirectory();
        IdxFileBuilder.WriteDataset(directory.Path, trainCount: 12, testCount: 4, gzip: true);
        var labels = IdxFileBuilder.Write(directory.Path, "train-labels-idx1-ubyte", IdxFileBuilder.Labels(11), gzip: true);

        var error = Assert.Throws<DatasetFormatException>(() => IdxFiles.Verify(directory.Path));

        Assert.Equal(labels, error.Path);
        Assert.Contains("holds 11 labels but", error.Message);
        Assert.Contains("train-images-idx3-ubyte.gz holds 12 images", error.Message);
    }

    [Fact]
    public void Verify_names_a_missing_standard_file()
    {
        using var directory = TestData.NewTemporaryDirectory();
        IdxFileBuilder.WriteDataset(directory.Path, trainCount: 5, testCount: 3, gzip: false);
        File.Delete(directory.File("t10k-labels-idx1-ubyte"));

        var error = Assert.Throws<DatasetFormatException>(() => IdxFiles.Verify(directory.Path));

        Assert.Equal(directory.File("t10k-labels-idx1-ubyte"), error.Path);
        Assert.Contains("file not found (looked for t10k-labels-idx1-ubyte and t10k-labels-idx1-ubyte.gz)", error.Message);
    }

    [Fact]
    public void Verify_summarises_the_fixture()
    {
        var summary = IdxFiles.Verify(TestData.MnistSmallDirectory);

        Assert.Equal((600, 200, 28, 28), (summary.TrainCount, summary.TestCount, summary.Rows, summary.Columns));
    }

    [Fact]
    public void A_gzip_bomb_is_refused_after_reading_what_its_header_declares()
    {
        using var directory = TestData.NewTemporaryDirectory();
        // A header for 10 images of 28×28 (7,856 bytes in all), then 256 MiB of zeros: about 256 KiB compressed.
        var header = IdxFileBuilder.Images(10, 28, 28);
        var path = directory.File("bomb.gz");
        using (var file = File.Create(path))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.SmallestSize))
        {
            gzip.Write(header);
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 256; i++) gzip.Write(zeros);
        }
        Assert.True(new FileInfo(path).Length < 1 << 20);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path + ": decompresses to more than the 7,856 bytes its IDX header declares", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}: it inflated the bomb");
    }

    [Fact]
    public void A_gzip_whose_header_declares_more_than_the_cap_is_refused_unread()
    {
        using var directory = TestData.NewTemporaryDirectory();
        var header = IdxFileBuilder.Images(0, 28, 28);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), int.MaxValue);
        var path = IdxFileBuilder.Write(directory.Path, "train-images-idx3-ubyte", header, gzip: true);

        var error = Assert.Throws<DatasetFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("more than the 1,073,741,824 an IDX file may hold", error.Message);
        Assert.StartsWith(path + ":", error.Message);
    }
}
