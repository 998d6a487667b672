using AeGrid.Grains.Hosting;
using AeGrid.Silo.Security;
using Microsoft.Extensions.Configuration;

namespace AeGrid.Silo;

/// <summary>
/// Binds silo settings from configuration keys (STORE, SLOTS, SILO_PORT, …; dashes or underscores, any case) with .NET's
/// configuration binder into <see cref="SiloConfigurationKeys"/>. A value the binder cannot convert is a
/// <see cref="FormatException"/> naming the key and the value.
/// </summary>
public static class SiloConfiguration
{
    public static SiloSettings Bind(IConfiguration configuration)
    {
        var keys = new SiloConfigurationKeys();
        var normalised = Normalise(configuration);
        try
        {
            normalised.Bind(keys);
        }
        catch (InvalidOperationException e)
        {
            throw BadNumber(normalised) ?? new FormatException(e.Message, e);
        }

        var store = keys.Store ?? (keys.Cluster is { Length: > 0 } cluster ? cluster : null) ?? AeGridEnvironment.Get(AeGridEnvironment.Cluster)
                    ?? throw new FormatException($"store: set {AeGridEnvironment.Prefix}STORE (or --store) to a postgres://user@host:port/db URL (its password: {AeGridEnvironment.StorePasswordFile}, PGPASSWORD or ~/.pgpass)");
        var defaults = new SiloSettings { Store = store };
        return defaults with
        {
            SiloPort = keys.SiloPort ?? defaults.SiloPort,
            GatewayPort = keys.GatewayPort ?? defaults.GatewayPort,
            AdvertisedAddress = keys.AdvertisedAddress ?? Environment.GetEnvironmentVariable("POD_IP") ?? defaults.AdvertisedAddress,
            ClusterId = keys.ClusterId ?? defaults.ClusterId,
            ServiceId = keys.ServiceId ?? defaults.ServiceId,
            StorePasswordFile = keys.StorePasswordFile,
            Transport = new ClusterTlsSettings(keys.TlsCert, keys.TlsKey, keys.TlsCa, AeGridEnvironment.IsOn(keys.Insecure)),
            OtlpEndpoint = keys.OtlpEndpoint,
            ConsoleTelemetry = keys.ConsoleTelemetry is "1" or "true" or "True",
            HealthPort = keys.HealthPort ?? SiloSettings.DefaultHealthPort,
            ShutdownGrace = keys.ShutdownGrace is { } grace ? TimeSpan.FromSeconds(grace) : defaults.ShutdownGrace,
            Training = new TrainingSiloOptions
            {
                Slots = keys.Slots ?? 0,
                ThreadsPerSlot = keys.Threads,
                DeviceKind = keys.Device ?? "cpu",
                CheckpointEveryBatches = keys.CheckpointEveryBatches,
            },
        };
    }

    /// <summary>
    /// The keys the binder reads, with dashes as underscores (command-line --silo-port is SILO_PORT); the underscore
    /// spelling wins when both are given. Every key bound must be listed in <see cref="SiloEnvironment"/>.
    /// </summary>
    private static IConfiguration Normalise(IConfiguration configuration)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in SiloConfigurationKeys.All)
        {
            var value = configuration[SiloEnvironment.Listed(key)] ?? configuration[key.Replace('_', '-')];
            if (value is not null) values[key] = value;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>The one line for a number key whose value is not a whole number, as every bad input is reported.</summary>
    private static FormatException? BadNumber(IConfiguration values) =>
        SiloConfigurationKeys.WholeNumbers
            .Where(key => values[key] is { } value && !int.TryParse(value, out _))
            .Select(key => new FormatException($"{key.ToLowerInvariant()}: expected a whole number, got '{values[key]}'"))
            .FirstOrDefault();
}
