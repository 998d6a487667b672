using System.Collections.Concurrent;

namespace AeGrid.Models.Data;

/// <summary>
/// Finds and loads datasets by name or path. A known name (mnist, fashion-mnist) is looked up, in order, in
/// $AEGRID_DATA/&lt;name&gt;, ~/.aegrid/data/&lt;name&gt; and /usr/share/datasets/&lt;name&gt; (where Debian's
/// dataset-fashion-mnist package installs); the first directory holding all four IDX files wins. Anything else
/// must be a directory holding them. Each directory's full dataset is cached for the life of the process, because many
/// trials in one silo train on the same data; treat it as read-only. A limit is a fresh copy of the first N training
/// images each time (the test split is shared), never cached: a sweep over many limits would otherwise keep one more
/// copy of the training set per distinct limit for as long as the silo runs.
/// </summary>
public static class DatasetCatalog
{
    public static IReadOnlyList<string> KnownNames { get; } = ["mnist", "fashion-mnist"];

    /// <summary>Training images in a known dataset (both ship 60,000), null for a directory: known before reading any file.</summary>
    public static int? KnownTrainCount(string? nameOrPath) => nameOrPath is not null && IsKnownName(nameOrPath) ? 60_000 : null;

    static readonly ConcurrentDictionary<string, Lazy<Dataset>> Cache = new();

    /// <summary>mnist / fashion-mnist from $AEGRID_DATA/&lt;name&gt;, ~/.aegrid/data/&lt;name&gt;, /usr/share/datasets/&lt;name&gt;; or a directory path.</summary>
    /// <param name="limit">Use only the first N training images (the test split is untouched); must be positive.</param>
    /// <param name="roots">Where a silo may read from; null (the user's own `aegrid train`) reads any directory.</param>
    public static Dataset Load(string nameOrPath, int? limit = null, DataRoots? roots = null)
    {
        if (limit is <= 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be positive, got {limit}");
        if (roots?.Problem(nameOrPath) is { } refused) throw new DatasetNotFoundException(nameOrPath, $"dataset: {refused}");
        var directory = Path.GetFullPath(Resolve(nameOrPath));
        var name = IsKnownName(nameOrPath) ? nameOrPath : directory;
        var full = Cached(directory, () => ReadDirectory(name, directory));
        var dataset = limit is { } n ? full with { Train = full.Train.Take(n) } : full;
        // The same directory may be asked for by name and by path: share the pixels, report the caller's name.
        return dataset.Name == name ? dataset : dataset with { Name = name };
    }

    /// <summary>The directory <paramref name="nameOrPath"/> stands for; throws <see cref="DatasetNotFoundException"/> listing every place searched.</summary>
    public static string Resolve(string nameOrPath) =>
        Resolve(nameOrPath, IsKnownName(nameOrPath) ? SearchDirectories(nameOrPath) : []);

    /// <summary><see cref="Resolve(string)"/> with the places a known name is searched given explicitly.</summary>
    internal static string Resolve(string nameOrPath, IReadOnlyList<string> candidates)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
            throw new DatasetNotFoundException(nameOrPath, "dataset: a name (mnist, fashion-mnist) or a directory is required");
        if (IsKnownName(nameOrPath))
        {
            var found = candidates.FirstOrDefault(candidate => IdxFiles.Missing(candidate).Count == 0);
            if (found is not null) return found;
            var searched = candidates.Select(candidate => $"  {candidate}: {WhyNotThere(candidate)}");
            throw new DatasetNotFoundException(nameOrPath,
                $"dataset '{ErrorText.Quote(nameOrPath)}' not found. Searched:{Environment.NewLine}{string.Join(Environment.NewLine, searched)}{Environment.NewLine}" +
                $"Run `aegrid data fetch {nameOrPath}`, or set AEGRID_DATA to a directory holding {nameOrPath}/ with the four IDX files.");
        }
        if (Directory.Exists(nameOrPath))
        {
            var missing = IdxFiles.Missing(nameOrPath);
            if (missing.Count > 0)
                throw new DatasetNotFoundException(nameOrPath,
                    $"dataset directory {nameOrPath} lacks {string.Join(", ", missing)} (each may also end in .gz)");
            return nameOrPath;
        }
        if (LooksLikePath(nameOrPath))
            throw new DatasetNotFoundException(nameOrPath, $"dataset directory {nameOrPath} does not exist");
        throw new DatasetNotFoundException(nameOrPath,
            $"unknown dataset '{ErrorText.Quote(nameOrPath)}': use one of {string.Join(", ", KnownNames)}, or a directory holding the four IDX files");
    }

    /// <summary>Where a known name is looked for, in order.</summary>
    public static IReadOnlyList<string> SearchDirectories(string name) => [.. StandardRoots().Select(root => Path.Combine(root, name))];

    /// <summary>The places datasets live, in the order a name is looked up: $AEGRID_DATA, ~/.aegrid/data, /usr/share/datasets.</summary>
    public static IReadOnlyList<string> StandardRoots()
    {
        var roots = new List<string>();
        var fromEnvironment = Environment.GetEnvironmentVariable("AEGRID_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment)) roots.Add(fromEnvironment);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home)) roots.Add(Path.Combine(home, ".aegrid", "data"));
        roots.Add("/usr/share/datasets");
        return roots;
    }

    /// <summary>Whether <paramref name="name"/> is one of <see cref="KnownNames"/> (exact spelling).</summary>
    public static bool IsKnownName(string name) => KnownNames.Contains(name, StringComparer.Ordinal);

    /// <summary>Forgets every cached dataset (tests, or a silo that wants its memory back).</summary>
    public static void ClearCache() => Cache.Clear();

    /// <summary>How many datasets the cache holds (one per directory, whatever the limits asked for).</summary>
    internal static int CachedCount(string directory) => Cache.Keys.Count(key => key == Path.GetFullPath(directory));

    static Dataset Cached(string key, Func<Dataset> load)
    {
        var lazy = Cache.GetOrAdd(key, _ => new Lazy<Dataset>(load, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Don't remember a failure: the files may be fixed or fetched before the next attempt.
            Cache.TryRemove(new KeyValuePair<string, Lazy<Dataset>>(key, lazy));
            throw;
        }
    }

    static Dataset ReadDirectory(string name, string directory)
    {
        var (train, test) = IdxFiles.ReadSplits(directory);
        return new Dataset(name, train, test) { Directory = directory };
    }

    static string WhyNotThere(string directory)
    {
        if (!Directory.Exists(directory)) return "no such directory";
        return "lacks " + string.Join(", ", IdxFiles.Missing(directory));
    }

    static bool LooksLikePath(string value) =>
        value.Contains(Path.DirectorySeparatorChar) || value.Contains('/') || value.StartsWith('.') || value.StartsWith('~');
}
