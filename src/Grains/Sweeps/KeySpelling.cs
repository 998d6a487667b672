namespace AeGrid.Grains.Sweeps;

/// <summary>Suggests the key a typo meant: "unknown key 'epoch'; did you mean 'epochs'?".</summary>
internal static class KeySpelling
{
    public static string UnknownKey(string key, IReadOnlyCollection<string> known) =>
        Closest(key, known) is { } suggestion
            ? $"unknown key '{ErrorText.Quote(key)}'; did you mean '{suggestion}'?"
            : $"unknown key '{ErrorText.Quote(key)}'; expected one of {string.Join(", ", known)}";

    /// <summary>
    /// The nearest known key within a few edits, or one the typo is the start of ("hidden" → hidden_sizes), or one
    /// with the same first word ("warmup_steps" → warmup_epochs); else null.
    /// </summary>
    public static string? Closest(string key, IEnumerable<string> known)
    {
        var normalized = key.ToLowerInvariant().Replace('-', '_');
        var allowed = Math.Max(1, Math.Min(3, normalized.Length / 3));
        var firstWord = normalized.Split('_')[0];
        return known
            .Select(candidate => (candidate, distance: Distance(normalized, candidate)))
            .Where(c => c.distance <= allowed
                || (normalized.Length >= 3 && c.candidate.StartsWith(normalized, StringComparison.Ordinal))
                || (firstWord.Length >= 4 && c.candidate.Split('_')[0] == firstWord))
            .OrderBy(c => c.distance)
            .Select(c => c.candidate)
            .FirstOrDefault();
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
