using AeGrid.Grains.Store;

namespace AeGrid.Silo.Security;

/// <summary>
/// A store password read from a file (--store-password-file, AEGRID_STORE_PASSWORD_FILE): a Kubernetes Secret mounted
/// as a file, so the password is on no command line and in no environment. The text is the password, except for
/// trailing line breaks (`echo pw > file` adds one).
/// </summary>
public static class StorePasswordFile
{
    /// <exception cref="ClusterSecurityException">The file is missing, unreadable or empty.</exception>
    public static string Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterSecurityException(e is FileNotFoundException or DirectoryNotFoundException
                ? $"--store-password-file: {path}: no such file"
                : $"--store-password-file: {path}: cannot be read ({e.Message})", e);
        }
        var password = text.TrimEnd('\r', '\n');
        if (password.Length == 0) throw new ClusterSecurityException($"--store-password-file: {path}: is empty");
        SecretText.Register(password);
        return password;
    }

    /// <summary><paramref name="location"/> with the password from <paramref name="path"/> (when given); a SQLite store
    /// has no password, so naming a file for one is an error.</summary>
    public static StoreLocation Apply(StoreLocation location, string? path)
    {
        if (path is null) return location;
        if (location is not StoreLocation.Postgres postgres)
            throw new ClusterSecurityException($"--store-password-file: only a PostgreSQL store takes a password, not {location}");
        return postgres.WithPassword(Read(path));
    }
}
