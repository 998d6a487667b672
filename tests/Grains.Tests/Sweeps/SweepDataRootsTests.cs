using AeGrid.Models.Data;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>Given a silo's data roots, the parser refuses datasets outside them at the key that names them.</summary>
public sealed class SweepDataRootsTests
{
    private static readonly DataRoots Roots = DataRoots.Standard(["/srv/aegrid-data"]);

    [Theory]
    [InlineData("dataset: /etc", 3, "dataset", "got /etc")]
    [InlineData("dataset: ../../x", 3, "dataset", "not an absolute path")]
    [InlineData("space:\n  dataset: [mnist, /root]", 4, "space.dataset", "got /root")]
    public void A_dataset_outside_the_roots_is_refused_naming_the_key(string body, int line, string key, string message)
    {
        var error = Assert.Throws<AeGrid.Grains.Sweeps.SweepSpecException>(() =>
            AeGrid.Grains.Sweeps.SweepSpecParser.Parse($"name: x\narchitecture: linear\n{body}\n", "x.yaml", Roots));
        Assert.Equal((line, key), (error.Line, error.Key));
        Assert.Contains(message, error.Message);
        Assert.Contains("/srv/aegrid-data", error.Message);
    }

    [Fact]
    public void Names_and_directories_under_a_root_pass_and_no_roots_means_any_directory()
    {
        AeGrid.Grains.Sweeps.SweepSpecParser.Parse("name: x\narchitecture: linear\nspace:\n  dataset: [mnist, /srv/aegrid-data/digits]\n", "x.yaml", Roots);
        AeGrid.Grains.Sweeps.SweepSpecParser.Parse("name: x\narchitecture: linear\ndataset: /etc\n", "x.yaml");
    }
}
