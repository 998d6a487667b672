namespace AeGrid.Client.Tests.Support;

/// <summary>The data files this test project ships (see Fixtures/*/README.md).</summary>
internal static class Fixtures
{
    /// <summary>300 training and 100 test Fashion-MNIST images, the four standard IDX .gz files.</summary>
    public static string FashionMnist300 => Path.Combine(AppContext.BaseDirectory, "Fixtures", "fashion-mnist-300");

    public static readonly string[] IdxFileNames =
    [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ];

    /// <summary>Copies the fixture set into <paramref name="directory"/> so a test can damage its copy.</summary>
    public static void CopyFashionMnist300To(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var name in IdxFileNames)
        {
            File.Copy(Path.Combine(FashionMnist300, name), Path.Combine(directory, name));
        }
    }
}
