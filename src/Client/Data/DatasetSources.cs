namespace AeGrid.Client.Data;

/// <summary>One file of a dataset as published: its name on the mirror, size and SHA-256 (lower-case hex).</summary>
internal sealed record DatasetFile(string FileName, long? Size, string Sha256);

/// <summary>A downloadable dataset: where it is published and what its files must hash to.</summary>
internal sealed record DatasetSource(string Name, Uri DefaultMirror, IReadOnlyList<DatasetFile> Files);

/// <summary>
/// The datasets `aegrid data fetch` knows. <see cref="Published"/> is the real table; tests build their own
/// (fixture files, loopback mirror) because the real files are tens of megabytes.
/// </summary>
internal sealed class DatasetSources(IEnumerable<DatasetSource> sources)
{
    private readonly IReadOnlyList<DatasetSource> _sources = sources.ToList();

    public IEnumerable<string> Names => _sources.Select(s => s.Name);

    public DatasetSource? Find(string name) =>
        _sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The published gzip files. SHA-256 sums as listed in pytorch/vision's
    /// torchvision/prototype/datasets/_builtin/mnist.py (and many other public loaders); they agree with the MD5s
    /// in torchvision.datasets.MNIST / FashionMNIST (MNIST f68b3c2d…, d53e105e…, 9fb629c4…, ec29112d…;
    /// Fashion-MNIST 8d4fb7e6…, 25c81989…, bef4ecab…, bb300cfd…). Sizes are those of the same files.
    /// </summary>
    public static DatasetSources Published { get; } = new(
    [
        new("mnist", new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        [
            new("train-images-idx3-ubyte.gz", 9_912_422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
            new("train-labels-idx1-ubyte.gz", 28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
            new("t10k-images-idx3-ubyte.gz", 1_648_877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
            new("t10k-labels-idx1-ubyte.gz", 4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
        ]),
        // The S3 "website" endpoint the Fashion-MNIST README links to is plain HTTP; the SHA-256 check is what
        // makes that safe.
        new("fashion-mnist", new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
        [
            new("train-images-idx3-ubyte.gz", 26_421_880, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            new("train-labels-idx1-ubyte.gz", 29_515, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            new("t10k-images-idx3-ubyte.gz", 4_422_102, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
            new("t10k-labels-idx1-ubyte.gz", 5_148, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
        ]),
    ]);
}
