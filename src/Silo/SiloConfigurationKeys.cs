using Microsoft.Extensions.Configuration;

namespace AeGrid.Silo;

/// <summary>
/// The silo executable's configuration as .NET's binder reads it: one property per key, the key being the environment
/// variable without <see cref="AeGridEnvironment.Prefix"/> (AEGRID_SLOTS → SLOTS); command-line --slots and --silo-port
/// reach the same keys (<see cref="SiloConfiguration"/> turns dashes into underscores first).
/// </summary>
public sealed class SiloConfigurationKeys
{
    [ConfigurationKeyName("STORE")] public string? Store { get; set; }
    /// <summary>The cluster's PostgreSQL, when <see cref="Store"/> is not set (AEGRID_CLUSTER, which clients read too).</summary>
    [ConfigurationKeyName("CLUSTER")] public string? Cluster { get; set; }
    [ConfigurationKeyName("SILO_PORT")] public int? SiloPort { get; set; }
    [ConfigurationKeyName("GATEWAY_PORT")] public int? GatewayPort { get; set; }
    [ConfigurationKeyName("ADVERTISED_ADDRESS")] public string? AdvertisedAddress { get; set; }
    [ConfigurationKeyName("CLUSTER_ID")] public string? ClusterId { get; set; }
    [ConfigurationKeyName("SERVICE_ID")] public string? ServiceId { get; set; }
    [ConfigurationKeyName("STORE_PASSWORD_FILE")] public string? StorePasswordFile { get; set; }
    [ConfigurationKeyName("TLS_CERT")] public string? TlsCert { get; set; }
    [ConfigurationKeyName("TLS_KEY")] public string? TlsKey { get; set; }
    [ConfigurationKeyName("TLS_CA")] public string? TlsCa { get; set; }
    /// <summary>1, true or yes (<see cref="AeGridEnvironment.IsOn"/>).</summary>
    [ConfigurationKeyName("INSECURE")] public string? Insecure { get; set; }
    [ConfigurationKeyName("OTLP_ENDPOINT")] public string? OtlpEndpoint { get; set; }
    /// <summary>1 or true.</summary>
    [ConfigurationKeyName("CONSOLE_TELEMETRY")] public string? ConsoleTelemetry { get; set; }
    [ConfigurationKeyName("HEALTH_PORT")] public int? HealthPort { get; set; }
    /// <summary>Seconds.</summary>
    [ConfigurationKeyName("SHUTDOWN_GRACE")] public int? ShutdownGrace { get; set; }
    [ConfigurationKeyName("SLOTS")] public int? Slots { get; set; }
    [ConfigurationKeyName("THREADS")] public int? Threads { get; set; }
    [ConfigurationKeyName("DEVICE")] public string? Device { get; set; }
    [ConfigurationKeyName("CHECKPOINT_EVERY_BATCHES")] public int? CheckpointEveryBatches { get; set; }

    /// <summary>Every key bound, as written in the attributes above.</summary>
    public static IReadOnlyList<string> All { get; } = [.. typeof(SiloConfigurationKeys).GetProperties()
        .Select(p => p.GetCustomAttributes(typeof(ConfigurationKeyNameAttribute), false).Cast<ConfigurationKeyNameAttribute>().SingleOrDefault()?.Name)
        .OfType<string>()];

    /// <summary>The keys that take whole numbers, for the error that names a bad one.</summary>
    internal static IReadOnlyList<string> WholeNumbers { get; } = [.. typeof(SiloConfigurationKeys).GetProperties()
        .Where(p => p.PropertyType == typeof(int?))
        .Select(p => p.GetCustomAttributes(typeof(ConfigurationKeyNameAttribute), false).Cast<ConfigurationKeyNameAttribute>().Single().Name)];
}
