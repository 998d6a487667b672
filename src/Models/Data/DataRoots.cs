namespace AeGrid.Models.Data;

/// <summary>
/// The directories a silo may read training data from. A sweep file comes from any client, so a silo must not open
/// whatever path it names (`dataset: /etc`, `../../secrets`): it takes a known name (looked up in the catalog's
/// standard places) or an absolute directory under one of these roots. `aegrid train` on the user's own machine passes
/// no roots and reads any path.
/// </summary>
public sealed class DataRoots
{
    DataRoots(IEnumerable<string> directories) =>
        Directories = directories.Where(d => !string.IsNullOrWhiteSpace(d))
            .Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Distinct().ToList();

    public IReadOnlyList<string> Directories { get; }

    /// <summary>The catalog's standard places ($AEGRID_DATA, ~/.aegrid/data, /usr/share/datasets) and <paramref name="extra"/>.</summary>
    public static DataRoots Standard(IEnumerable<string>? extra = null) =>
        new([.. DatasetCatalog.StandardRoots(), .. extra ?? []]);

    /// <summary>Why a silo with these roots may not read <paramref name="nameOrPath"/>, or null when it may.</summary>
    public string? Problem(string nameOrPath)
    {
        if (DatasetCatalog.IsKnownName(nameOrPath)) return null;
        var allowed = $"a silo reads only {string.Join(" or ", DatasetCatalog.KnownNames)}, or a directory under its data roots ({string.Join(", ", Directories)})";
        if (string.IsNullOrWhiteSpace(nameOrPath) || nameOrPath.Contains('\0')) return $"{allowed}; got '{ErrorText.Quote(nameOrPath)}'";
        if (!Path.IsPathFullyQualified(nameOrPath)) return $"{allowed}; got '{ErrorText.Quote(nameOrPath)}', which is not an absolute path";
        // GetFullPath removes "..", and a directory that is a link is judged by where it leads. (Links further up are
        // the silo owner's own doing: only someone on that machine can put them under a data root.)
        var full = Path.GetFullPath(nameOrPath);
        try
        {
            if (new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target) full = target.FullName;
        }
        catch (IOException)
        {
            // Unreadable or a loop: judged by its own path; reading it fails later with the reason.
        }
        return Directories.Any(root => IsUnder(full, root)) ? null : $"{allowed}; got {nameOrPath}";
    }

    static bool IsUnder(string path, string root) =>
        path.Equals(root, StringComparison.Ordinal)
        || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
