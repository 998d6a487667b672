namespace AeGrid.Client.Tests.Support;

/// <summary>Files of the repository the tests run from (the examples), found by walking up to AeGrid.sln.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AeGrid.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no AeGrid.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Where tests leave files for people to look at (screenshots): TestResults beside the test assembly.</summary>
    public static string Artifact(string name)
    {
        var directory = System.IO.Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(directory);
        return System.IO.Path.Combine(directory, name);
    }
}
