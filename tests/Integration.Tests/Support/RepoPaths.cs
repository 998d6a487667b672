namespace AeGrid.Integration.Tests.Support;

/// <summary>Finds files the repository ships (fixtures, examples) from the test's output folder.</summary>
public static class RepoPaths
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "AeGrid.sln"))) return dir.FullName;
            throw new InvalidOperationException($"no AeGrid.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The small MNIST fixture (IDX files) the tests train on.</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");
    public static string MnistFixture => Path.Combine(Fixtures, "mnist-small");
}
