using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>
/// Where the trial store lives, parsed from what a user types (CLI flag, environment, config):
/// <list type="bullet">
/// <item><c>sqlite:PATH</c>, or a path ending in .db / .sqlite / .sqlite3 → <see cref="Sqlite"/> (the embedded default);</item>
/// <item><c>postgres://user:pass@host:port/db?sslmode=…</c> (or postgresql://) → <see cref="Postgres"/>;</item>
/// <item>an Npgsql key=value string such as <c>Host=…;Database=…;Username=…</c> → <see cref="Postgres"/>.</item>
/// </list>
/// Anything else is rejected with a message that says which forms are accepted. Passwords never appear in
/// <see cref="ToString"/> or in error messages.
/// </summary>
public abstract record StoreLocation
{
    private StoreLocation() { }

    /// <summary>An embedded SQLite database file; <paramref name="Path"/> is absolute with <c>~</c> expanded.</summary>
    public sealed record Sqlite(string Path) : StoreLocation
    {
        public override string ToString() => $"sqlite:{Path}";
    }

    /// <summary>A PostgreSQL database; <paramref name="ConnectionString"/> is always in Npgsql key=value form.</summary>
    public sealed record Postgres(string ConnectionString) : StoreLocation
    {
        public override string ToString() => $"postgres:{PostgresConnectionStrings.Redact(ConnectionString)}";

        /// <summary>The same database with <paramref name="password"/> (from a password file or a Secret), which then
        /// stays in memory: never on a command line, never in <see cref="ToString"/>.</summary>
        public Postgres WithPassword(string password)
        {
            SecretText.Register(password);
            return new Postgres(new NpgsqlConnectionStringBuilder(ConnectionString) { Password = password }.ConnectionString);
        }

        /// <summary>Whether the location itself carries a password (as opposed to PGPASSWORD, ~/.pgpass or a file).</summary>
        public bool HasPassword => !string.IsNullOrEmpty(new NpgsqlConnectionStringBuilder(ConnectionString).Password);
    }

    /// <summary>~/.aegrid/aegrid.db: where the store lives when the user names none.</summary>
    public static Sqlite Default => new(System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aegrid", "aegrid.db"));

    private static readonly string[] SqliteExtensions = [".db", ".sqlite", ".sqlite3"];

    private const string AcceptedForms =
        "use a SQLite file ('sqlite:PATH' or a path ending in .db), a PostgreSQL URL " +
        "('postgres://user:password@host:5432/database'), or an Npgsql connection string ('Host=…;Database=…;Username=…')";

    /// <summary>Parses a store location; throws <see cref="FormatException"/> naming the accepted forms.</summary>
    public static StoreLocation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
            throw new FormatException($"the store location is empty: {AcceptedForms}");

        if (trimmed.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = trimmed["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal)) path = path[2..]; // sqlite:///abs/path
            if (path.Length == 0)
                throw new FormatException("the store location 'sqlite:' names no file: write sqlite:PATH, e.g. sqlite:~/.aegrid/aegrid.db");
            return new Sqlite(ExpandPath(path));
        }

        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return new Postgres(PostgresConnectionStrings.FromUrl(trimmed));

        if (trimmed.Contains('=') && !trimmed.Contains("://", StringComparison.Ordinal))
            return new Postgres(PostgresConnectionStrings.FromKeyValue(trimmed));

        if (SqliteExtensions.Any(ext => trimmed.EndsWith(ext, StringComparison.OrdinalIgnoreCase)))
            return new Sqlite(ExpandPath(trimmed));

        // Never echo the input when it might hold a password (a URL of another scheme, say).
        var shown = trimmed.Contains('@') || trimmed.Contains("password", StringComparison.OrdinalIgnoreCase)
            ? "(value hidden: it may contain a password)"
            : $"'{trimmed}'";
        throw new FormatException($"{shown} is not a store location: {AcceptedForms}");
    }

    private static string ExpandPath(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            path = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'));
        return System.IO.Path.GetFullPath(path);
    }
}

/// <summary>Normalises PostgreSQL connection strings to Npgsql's key=value form and hides their passwords.</summary>
public static class PostgresConnectionStrings
{
    /// <summary>libpq URL query parameters and the Npgsql keys they mean. Others must already be Npgsql keys.</summary>
    private static readonly Dictionary<string, string> UrlParameterToNpgsqlKey = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["target_session_attrs"] = "Target Session Attributes",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["options"] = "Options",
        ["host"] = "Host",
        ["port"] = "Port",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
    };

    /// <summary>Converts <c>postgres://user:pass@host:port/db?sslmode=require</c> into an Npgsql connection string.</summary>
    public static string FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new FormatException("the PostgreSQL URL is malformed: expected postgres://user:password@host:5432/database");

        var builder = new NpgsqlConnectionStringBuilder();
        if (uri.Host.Length > 0) builder.Host = uri.Host.Trim('[', ']');
        if (!uri.IsDefaultPort && uri.Port > 0) builder.Port = uri.Port;

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                SecretText.Register(builder.Password);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Contains('/'))
            throw new FormatException($"the PostgreSQL URL's path '/{database}' is not a database name: expected postgres://host:5432/database");
        if (database.Length > 0) builder.Database = database;

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            var key = UrlParameterToNpgsqlKey.GetValueOrDefault(name, name);
            try
            {
                builder[key] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw new FormatException($"the PostgreSQL URL's parameter '{name}' is not understood ({e.Message}); " +
                                          $"use a libpq name ({string.Join(", ", UrlParameterToNpgsqlKey.Keys)}) or an Npgsql keyword", e);
            }
        }

        SecretText.Register(builder.Password); // also a ?password= parameter
        if (string.IsNullOrEmpty(builder.Host))
            throw new FormatException("the PostgreSQL URL names no host: expected postgres://user:password@host:5432/database");
        return builder.ConnectionString;
    }

    /// <summary>Checks an Npgsql key=value string (it must name a Host) and returns it normalised.</summary>
    public static string FromKeyValue(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or KeyNotFoundException)
        {
            // The message of Npgsql names the bad keyword; the string itself stays out of it (it may hold a password).
            throw new FormatException($"the PostgreSQL connection string is not valid: {e.Message}", e);
        }

        SecretText.Register(builder.Password);
        if (string.IsNullOrEmpty(builder.Host))
            throw new FormatException("the PostgreSQL connection string names no Host: write e.g. 'Host=localhost;Database=aegrid;Username=aegrid'");
        return builder.ConnectionString;
    }

    /// <summary>The connection string with its password replaced by ***; for logs and messages.</summary>
    public static string Redact(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password)) builder.Password = "***";
            return builder.ConnectionString;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or KeyNotFoundException)
        {
            return "(unparsable connection string hidden)";
        }
    }
}
