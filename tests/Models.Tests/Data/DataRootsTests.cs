using AeGrid.Models.Data;

namespace AeGrid.Models.Tests.Data;

/// <summary>A silo reads datasets by known name or under its data roots; `aegrid train` (no roots) reads any directory.</summary>
public sealed class DataRootsTests
{
    [Fact]
    public void Known_names_and_directories_under_a_root_are_allowed_anything_else_is_refused_naming_the_roots()
    {
        using var root = TestData.NewTemporaryDirectory();
        var roots = DataRoots.Standard([root.Path]);
        var inside = Directory.CreateDirectory(Path.Combine(root.Path, "digits")).FullName;

        Assert.Null(roots.Problem("mnist"));
        Assert.Null(roots.Problem(inside));
        Assert.Null(roots.Problem(root.Path));
        Assert.Contains("/usr/share/datasets", roots.Directories);

        var outside = roots.Problem("/etc");
        Assert.NotNull(outside);
        Assert.Contains("got /etc", outside);
        Assert.Contains(root.Path, outside);
        Assert.Contains("not an absolute path", roots.Problem("../../x"));
        Assert.Contains("not an absolute path", roots.Problem("digits"));
        Assert.NotNull(roots.Problem(Path.Combine(inside, "..", "..", "..", "etc")));
        Assert.NotNull(roots.Problem(root.Path + "-sibling")); // a prefix of the name is not a parent directory
    }

    [Fact]
    public void A_link_under_a_root_is_judged_by_where_it_leads()
    {
        using var root = TestData.NewTemporaryDirectory();
        var link = Path.Combine(root.Path, "escape");
        Directory.CreateSymbolicLink(link, "/etc");
        Assert.NotNull(DataRoots.Standard([root.Path]).Problem(link));
    }

    [Fact]
    public void The_catalog_refuses_a_directory_outside_the_roots_it_is_given_and_reads_any_without_roots()
    {
        using var root = TestData.NewTemporaryDirectory();
        var error = Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Load(TestData.MnistSmallDirectory, roots: DataRoots.Standard([root.Path])));
        Assert.StartsWith("dataset: a silo reads only mnist or fashion-mnist", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        Assert.Equal(600, DatasetCatalog.Load(TestData.MnistSmallDirectory).Train.Count);
        var fixtures = Path.GetDirectoryName(TestData.MnistSmallDirectory)!;
        Assert.Equal(600, DatasetCatalog.Load(TestData.MnistSmallDirectory, roots: DataRoots.Standard([fixtures])).Train.Count);
    }
}
