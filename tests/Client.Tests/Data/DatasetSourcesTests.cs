using AeGrid.Client.Data;
using AeGrid.Client.Tests.Support;

namespace AeGrid.Client.Tests.Data;

public sealed class DatasetSourcesTests
{
    [Theory]
    [InlineData("mnist", "https://ossci-datasets.s3.amazonaws.com/mnist/")]
    [InlineData("fashion-mnist", "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")]
    public void The_published_table_lists_the_four_idx_files_with_sha256_sums(string name, string mirror)
    {
        var source = DatasetSources.Published.Find(name);

        Assert.NotNull(source);
        Assert.Equal(new Uri(mirror), source.DefaultMirror);
        Assert.Equal(Fixtures.IdxFileNames, source.Files.Select(f => f.FileName));
        Assert.All(source.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
        Assert.Equal(4, source.Files.Select(f => f.Sha256).Distinct().Count());
    }

    [Fact]
    public void Dataset_names_are_found_case_insensitively_and_unknown_names_are_not()
    {
        Assert.Equal("fashion-mnist", DatasetSources.Published.Find("Fashion-MNIST")?.Name);
        Assert.Null(DatasetSources.Published.Find("cifar-10"));
    }
}
