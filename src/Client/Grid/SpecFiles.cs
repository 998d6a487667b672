namespace AeGrid.Client.Grid;

/// <summary>Reads a sweep file for submission; parsing and validation happen in the grid, which reports key and line.</summary>
public static class SpecFiles
{
    public static string Read(FileInfo file)
    {
        if (!file.Exists) throw new CliException($"{file.FullName}: no such sweep file", 2);
        var text = File.ReadAllText(file.FullName);
        if (string.IsNullOrWhiteSpace(text)) throw new CliException($"{file.FullName}: the sweep file is empty", 2);
        return text;
    }
}
