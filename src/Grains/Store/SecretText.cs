using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace AeGrid.Grains.Store;

/// <summary>
/// The store passwords this process knows (from a URL, a connection string, a password file or PGPASSWORD), and a
/// scrubber that blanks them out of any text about to be printed: error lines and exception messages from libraries
/// (Npgsql, Orleans) that might quote a connection string.
/// </summary>
public static partial class SecretText
{
    const string Mask = "***";
    static readonly ConcurrentDictionary<string, byte> Known = new(StringComparer.Ordinal);

    /// <summary>Remembers <paramref name="secret"/> (and its URL-escaped form) for <see cref="Scrub"/>.</summary>
    public static void Register(string? secret)
    {
        // Shorter strings would blank ordinary words out of messages; such passwords are not worth hiding anyway.
        if (string.IsNullOrEmpty(secret) || secret.Length < 3) return;
        Known.TryAdd(secret, 0);
        Known.TryAdd(Uri.EscapeDataString(secret), 0);
    }

    /// <summary><paramref name="text"/> with every known password replaced by ***, and so is anything shaped like one
    /// (a URL's user:password@, a Password=… key), which covers a store location that failed to parse.</summary>
    public static string Scrub(string text)
    {
        Register(Environment.GetEnvironmentVariable("PGPASSWORD"));
        foreach (var secret in Known.Keys.OrderByDescending(k => k.Length))
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        text = UrlPassword().Replace(text, "$1" + Mask + "@");
        return KeyValuePassword().Replace(text, "$1" + Mask);
    }

    [GeneratedRegex(@"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s]+@")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(\b(?:Password|Pwd)\s*=\s*)(?!\*\*\*)[^;\s]+", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValuePassword();
}
