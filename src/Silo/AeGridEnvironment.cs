namespace AeGrid.Silo;

/// <summary>
/// The one list of environment variables that configure a silo or a cluster client. The silo executable binds them as
/// configuration keys (the name without <see cref="Prefix"/>), the CLI reads them as the defaults of its options.
/// </summary>
public static class AeGridEnvironment
{
    public const string Prefix = "AEGRID_";

    /// <summary>The PostgreSQL holding membership and store (URL or Npgsql string).</summary>
    public const string Cluster = Prefix + "CLUSTER";
    /// <summary>A file holding the store's password (a mounted Kubernetes Secret).</summary>
    public const string StorePasswordFile = Prefix + "STORE_PASSWORD_FILE";
    public const string ClusterId = Prefix + "CLUSTER_ID";
    public const string ServiceId = Prefix + "SERVICE_ID";
    /// <summary>Comma-separated gateway endpoints (host:port) a client connects to instead of reading membership.</summary>
    public const string Gateways = Prefix + "GATEWAYS";
    /// <summary>This process's certificate: a PEM file (with <see cref="TlsKey"/>) or a PKCS#12 (.pfx/.p12) file.</summary>
    public const string TlsCert = Prefix + "TLS_CERT";
    /// <summary>The PEM private key of <see cref="TlsCert"/>.</summary>
    public const string TlsKey = Prefix + "TLS_KEY";
    /// <summary>PEM bundle of the cluster's CA certificates and/or pinned peer certificates.</summary>
    public const string TlsCa = Prefix + "TLS_CA";
    /// <summary>The password of a PKCS#12 <see cref="TlsCert"/> (kept out of the command line on purpose).</summary>
    public const string TlsPfxPassword = Prefix + "TLS_PFX_PASSWORD";
    /// <summary>"1" or "true": cluster traffic in plain text, on purpose.</summary>
    public const string Insecure = Prefix + "INSECURE";

    /// <summary>The configuration key the silo executable binds <paramref name="variable"/> to (AEGRID_TLS_CERT → TLS_CERT).</summary>
    public static string Key(string variable) => variable[Prefix.Length..];

    /// <summary>The variable's value, or null when unset or empty.</summary>
    public static string? Get(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v : null;

    /// <summary>Whether a yes/no setting is on: 1, true or yes (any case).</summary>
    public static bool IsOn(string? value) =>
        value is not null && (value.Trim() is "1" || value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase)
                              || value.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase));
}
