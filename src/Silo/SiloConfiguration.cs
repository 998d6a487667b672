using AeGrid.Grains.Hosting;
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

        var store = Get("STORE") ?? Environment.GetEnvironmentVariable("AEGRID_CLUSTER")
                    ?? throw new FormatException("store: set AEGRID_STORE (or --store) to a postgres://user:pass@host:port/db URL");
        var defaults = new SiloSettings { Store = store };
        return defaults with
        {
            SiloPort = Int("SILO_PORT") ?? defaults.SiloPort,
            GatewayPort = Int("GATEWAY_PORT") ?? defaults.GatewayPort,
            AdvertisedAddress = Get("ADVERTISED_ADDRESS") ?? Environment.GetEnvironmentVariable("POD_IP") ?? defaults.AdvertisedAddress,
            ClusterId = Get("CLUSTER_ID") ?? defaults.ClusterId,
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
