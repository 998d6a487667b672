using AeGrid.Grains.Hosting;
using AeGrid.Silo.Security;
using Microsoft.Extensions.Configuration;

namespace AeGrid.Silo;

/// <summary>Binds silo settings from configuration keys (STORE, SLOTS, SILO_PORT, …; dashes or underscores).</summary>
public static class SiloConfiguration
{
    public static SiloSettings Bind(IConfiguration c)
    {
        string? Get(string key) => c[SiloEnvironment.Listed(key)] ?? c[key.Replace('_', '-')] ?? c[key.ToLowerInvariant()] ?? c[key.ToLowerInvariant().Replace('_', '-')];
        int? Int(string key) => Get(key) is { } s ? int.TryParse(s, out var v) ? v
            : throw new FormatException($"{key.ToLowerInvariant()}: expected a whole number, got '{s}'") : null;

        static string Key(string variable) => AeGridEnvironment.Key(variable);

        var store = Get("STORE") ?? AeGridEnvironment.Get(AeGridEnvironment.Cluster)
                    ?? throw new FormatException($"store: set {AeGridEnvironment.Prefix}STORE (or --store) to a postgres://user@host:port/db URL (its password: {AeGridEnvironment.StorePasswordFile}, PGPASSWORD or ~/.pgpass)");
        var defaults = new SiloSettings { Store = store };
        return defaults with
        {
            SiloPort = Int("SILO_PORT") ?? defaults.SiloPort,
            GatewayPort = Int("GATEWAY_PORT") ?? defaults.GatewayPort,
            AdvertisedAddress = Get("ADVERTISED_ADDRESS") ?? Environment.GetEnvironmentVariable("POD_IP") ?? defaults.AdvertisedAddress,
            ClusterId = Get(Key(AeGridEnvironment.ClusterId)) ?? defaults.ClusterId,
            ServiceId = Get(Key(AeGridEnvironment.ServiceId)) ?? defaults.ServiceId,
            StorePasswordFile = Get(Key(AeGridEnvironment.StorePasswordFile)),
            Transport = new ClusterTlsSettings(Get(Key(AeGridEnvironment.TlsCert)), Get(Key(AeGridEnvironment.TlsKey)),
                Get(Key(AeGridEnvironment.TlsCa)), AeGridEnvironment.IsOn(Get(Key(AeGridEnvironment.Insecure)))),
            OtlpEndpoint = Get("OTLP_ENDPOINT"),
            ConsoleTelemetry = Get("CONSOLE_TELEMETRY") is "1" or "true" or "True",
            HealthPort = Int("HEALTH_PORT") ?? SiloSettings.DefaultHealthPort,
            ShutdownGrace = Int("SHUTDOWN_GRACE") is { } grace ? TimeSpan.FromSeconds(grace) : defaults.ShutdownGrace,
            Training = new TrainingSiloOptions
            {
                Slots = Int("SLOTS") ?? 0,
                ThreadsPerSlot = Int("THREADS"),
                DeviceKind = Get("DEVICE") ?? "cpu",
                CheckpointEveryBatches = Int("CHECKPOINT_EVERY_BATCHES"),
            },
        };
    }
}
