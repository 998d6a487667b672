using System.Net;
using AeGrid.Grains.Hosting;
using AeGrid.Grains.Sweeps;
using AeGrid.Grains.Store;
using AeGrid.Silo.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace AeGrid.Silo;

/// <summary>
/// Builds a trainer silo host: the store (migrated before the silo starts, so an unreachable database is reported in
/// one line and the process exits), clustering (localhost or PostgreSQL membership), reminders, slots and telemetry.
/// Used by the silo executable, `aegrid silo`, and `aegrid run`'s in-process silo.
/// </summary>
public static class SiloHostFactory
{
    /// <param name="configureServices">Applied after every AeGrid and Orleans registration, so it can replace or decorate
    /// any of them (tests wrap the <see cref="ITrialStore"/> in a fault-injecting decorator). Production passes none.</param>
    public static async Task<IHost> BuildAsync(SiloSettings settings, Action<ILoggingBuilder>? logging = null, CancellationToken ct = default,
        Action<IServiceCollection>? configureServices = null)
    {
        var location = StorePasswordFile.Apply(StoreLocation.Parse(settings.Store), settings.StorePasswordFile);
        // Before the database: a cluster silo without TLS (or an explicit --insecure) must not start at all.
        var tls = settings.Local ? null : (settings.Transport ?? throw new ClusterSecurityException(ClusterTlsSettings.MissingMessage)).Resolve();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Npgsql", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);

        if (!settings.Local && location is not StoreLocation.Postgres)
            throw new FormatException($"a cluster silo needs PostgreSQL for membership; {location} is not (use --store postgres://…)");
        if (location is StoreLocation.Postgres postgres)
        {
            // Orleans' membership and reminder tables must exist before the silo starts; this is also where an
            // unreachable database is found, before anything else starts.
            await using var dataSource = Npgsql.NpgsqlDataSource.Create(postgres.ConnectionString);
            await OrleansAdoNetSchema.ApplyAsync(dataSource, ct);
        }

        builder.Services.AddSingleton(sp => new EpochWriter(sp.GetRequiredService<ITrialStore>(),
            sp.GetRequiredService<ILogger<EpochWriter>>()));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownGrace + TimeSpan.FromSeconds(5));

        // Before Orleans, so the probes start first and stop last: /readyz answers 503 all through a drain.
        if (!settings.Local && settings.HealthPort > 0) Health.HealthProbes.Add(builder, settings.HealthPort);
        builder.UseOrleans(silo =>
        {
            silo.UseTrialStore(location);
            silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
            // A store error inside a grain call then reaches the caller with its message, not as "no codec for NpgsqlException".
            silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
            silo.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = settings.ShutdownGrace);
            if (settings.Local)
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
                silo.UseInMemoryReminderService();
            }
            else
            {
                var connectionString = ((StoreLocation.Postgres)location).ConnectionString;
                if (tls is not null) silo.UseClusterTls(tls);
                silo.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
                silo.UseAdoNetReminderService(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
                silo.AddFleetGauges();
                silo.ConfigureEndpoints(IPAddress.Parse(settings.AdvertisedAddress), settings.SiloPort, settings.GatewayPort,
                    listenOnAnyHostAddress: settings.AdvertisedAddress != "127.0.0.1");
            }
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = settings.Training.SweepReminderPeriod);
            if (settings.FastFailureDetection)
            {
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.NumVotesForDeathDeclaration = 1;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                    o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                });
            }
            silo.UseAeGridTraining(o =>
            {
                var t = settings.Training;
                o.DeviceKind = t.DeviceKind;
                o.Trains = t.Trains;
                o.Slots = t.Slots;
                o.ThreadsPerSlot = t.ThreadsPerSlot;
                o.AttemptLease = t.AttemptLease;
                o.LeaseRenewInterval = t.LeaseRenewInterval;
                o.SchedulerInterval = t.SchedulerInterval;
                o.AbsentSiloGrace = settings.Local ? TimeSpan.Zero : t.AbsentSiloGrace;
                o.SweepReminderPeriod = t.SweepReminderPeriod;
                o.ProgressInterval = t.ProgressInterval;
                o.CheckpointEveryBatches = t.CheckpointEveryBatches;
            });
            silo.AddActivityPropagation();
        });
        Telemetry.Add(builder, settings);
        builder.Services.Configure<DatasetAccessOptions>(o =>
        {
            o.AnyPath = settings.Local;
            o.ExtraRoots = [.. settings.DataRoots];
        });
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }
}
