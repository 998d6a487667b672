namespace AeGrid.Silo;

/// <summary>
/// The one list of environment variables a silo process reads, so that deployments can be checked against it
/// (tests/Deploy.Tests: every variable a Kubernetes silo container sets must be here, and every one here must be set
/// or be listed there as deliberately left unset). <see cref="SiloConfiguration"/> refuses to bind a key missing here.
/// Additive: when the silo starts reading a variable, add it here.
/// </summary>
public static class SiloEnvironment
{
    /// <summary>Program.cs binds AEGRID_* variables as configuration keys without this prefix (AEGRID_SLOTS → SLOTS).</summary>
    public const string Prefix = AeGridEnvironment.Prefix;

    /// <summary>Every variable the silo process reads, with who reads it.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        // SiloConfiguration
        Prefix + "STORE", AeGridEnvironment.Cluster, Prefix + "SILO_PORT", Prefix + "GATEWAY_PORT", Prefix + "ADVERTISED_ADDRESS",
        "POD_IP", AeGridEnvironment.ClusterId, Prefix + "OTLP_ENDPOINT", Prefix + "SHUTDOWN_GRACE", Prefix + "SLOTS",
        Prefix + "THREADS", Prefix + "DEVICE", Prefix + "CHECKPOINT_EVERY_BATCHES", Prefix + "CONSOLE_TELEMETRY",
        // The health endpoints (/healthz, /readyz); mutual TLS or the explicit opt-out, the store's password kept out of
        // the URL and the service id, named once in AeGridEnvironment (the CLI reads them too).
        Prefix + "HEALTH_PORT", AeGridEnvironment.TlsCert, AeGridEnvironment.TlsKey, AeGridEnvironment.TlsCa,
        AeGridEnvironment.TlsPfxPassword, AeGridEnvironment.Insecure, AeGridEnvironment.StorePasswordFile, AeGridEnvironment.ServiceId,
        // Npgsql: the password of a store URL that has none.
        "PGPASSWORD",
        // AeGrid.Models' DatasetCatalog: where mnist/ and fashion-mnist/ are.
        Prefix + "DATA",
        // Telemetry.cs reads the endpoint; the OpenTelemetry SDK reads the resource variables itself.
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
    ];

    /// <summary>
    /// Returns <paramref name="key"/> (a configuration key: the name without <see cref="Prefix"/>), or throws when it is
    /// not listed here, so a key read without being listed fails the first test that binds a configuration.
    /// </summary>
    public static string Listed(string key) =>
        All.Contains(Prefix + key.ToUpperInvariant().Replace('-', '_')) ? key
            : throw new InvalidOperationException($"{Prefix}{key} is read but not listed in SiloEnvironment.All; add it there " +
                                                  "(tests/Deploy.Tests checks the Kubernetes manifests against that list)");
}
