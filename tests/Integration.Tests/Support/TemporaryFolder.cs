namespace AeGrid.Integration.Tests.Support;

/// <summary>A folder under the system temp folder for one test's files, deleted with everything in it on dispose.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"aegrid-it-{Guid.NewGuid():N}");

    public TemporaryFolder() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a file still open by a stopping silo; the OS temp cleaner gets it
    }
}
