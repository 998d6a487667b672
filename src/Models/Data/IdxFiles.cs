namespace AeGrid.Models.Data;

/// <summary>What an MNIST-layout dataset directory holds, as the IDX reader found it.</summary>
public sealed record DatasetSummary(string Directory, int TrainCount, int TestCount, int Rows, int Columns);

/// <summary>
/// The four standard IDX file names (as MNIST and Fashion-MNIST ship them), each present either as is or with
/// ".gz", and the loading of one directory that holds them.
/// </summary>
public static class IdxFiles
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";
    public const string GzipSuffix = ".gz";

    public static IReadOnlyList<string> All { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>
    /// The path of <paramref name="baseName"/> in <paramref name="directory"/>, preferring the uncompressed file
    /// when both exist (it reads faster); null when neither exists.
    /// </summary>
    public static string? TryLocate(string directory, string baseName)
    {
        var plain = Path.Combine(directory, baseName);
        if (File.Exists(plain)) return plain;
        var packed = plain + GzipSuffix;
        return File.Exists(packed) ? packed : null;
    }

    /// <summary>The standard names missing from <paramref name="directory"/> (all four when it does not exist).</summary>
    public static IReadOnlyList<string> Missing(string directory) =>
        Directory.Exists(directory) ? All.Where(name => TryLocate(directory, name) is null).ToList() : All;

    /// <summary>Reads and checks all four files (magic numbers, sizes, image/label counts); throws <see cref="DatasetFormatException"/>.</summary>
    public static DatasetSummary Verify(string directory)
    {
        var (train, test) = ReadSplits(directory);
        return new DatasetSummary(directory, train.Count, test.Count, train.Rows, train.Columns);
    }

    /// <summary>Reads the train and test splits of <paramref name="directory"/>, pixels scaled to [0,1].</summary>
    internal static (ImageSet Train, ImageSet Test) ReadSplits(string directory)
    {
        var train = ReadSplit(directory, TrainImages, TrainLabels);
        var test = ReadSplit(directory, TestImages, TestLabels);
        if (train.Rows != test.Rows || train.Columns != test.Columns)
            throw new DatasetFormatException(Locate(directory, TestImages),
                $"images are {test.Rows}×{test.Columns} but the training images are {train.Rows}×{train.Columns}");
        return (train, test);
    }

    static ImageSet ReadSplit(string directory, string imagesName, string labelsName)
    {
        var imagesPath = Locate(directory, imagesName);
        var labelsPath = Locate(directory, labelsName);
        var (bytes, count, rows, columns) = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new DatasetFormatException(labelsPath, $"holds {labels.Length} labels but {imagesPath} holds {count} images");
        var pixels = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) pixels[i] = bytes[i] / 255f;
        return new ImageSet(pixels, labels, count, rows, columns);
    }

    static string Locate(string directory, string baseName) =>
        TryLocate(directory, baseName)
        ?? throw new DatasetFormatException(Path.Combine(directory, baseName),
            $"file not found (looked for {baseName} and {baseName}{GzipSuffix})");
}
