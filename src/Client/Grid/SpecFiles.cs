using AeGrid.Client.Cli;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Client.Grid;

/// <summary>Reads a sweep file for submission and checks it here first, so a bad file fails before any grid is contacted.
/// The grid parses it again (it stores the text and must not trust clients).</summary>
internal static class SpecFiles
{
    public static (string Text, SweepSpec Spec) Read(FileInfo file)
    {
        var text = ReadText(file);
        try
        {
            return (text, SweepSpecParser.Parse(text, file.Name));
        }
        catch (SweepSpecException e)
        {
            throw CliException.InvalidInput(e.Message);
        }
    }

    /// <summary>The file's text, bounded but not parsed: a fork's file is whole only with its source's settings, which the grid adds.</summary>
    public static string ReadText(FileInfo file)
    {
        if (!file.Exists) throw CliException.InvalidInput($"{file.FullName}: no such sweep file");
        // Refused before reading: a huge file would cost this process its memory before the parser's own bound is reached.
        if (file.Length > SpecTextLimits.MaxBytes)
            throw CliException.InvalidInput(
                $"{file.FullName}: the file is {file.Length:N0} bytes; a sweep file may be at most {SpecTextLimits.MaxBytes:N0} bytes (1 MiB)");
        var text = File.ReadAllText(file.FullName);
        if (string.IsNullOrWhiteSpace(text)) throw CliException.InvalidInput($"{file.FullName}: the sweep file is empty");
        return text;
    }
}
