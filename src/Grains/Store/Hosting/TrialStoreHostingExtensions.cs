using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;

namespace AeGrid.Grains.Store;

/// <summary>
/// Puts a trial store in a silo: <see cref="ITrialStore"/> as a singleton behind <see cref="ResilientTrialStore"/> (the one
/// place store calls are retried), its options validated at start-up, and its schema migrated in the silo's first
/// lifecycle stage (before membership, which reads Orleans' tables from PostgreSQL). Pick one per silo.
/// </summary>
public static class TrialStoreHostingExtensions
{
    public static ISiloBuilder UsePostgresTrialStore(this ISiloBuilder builder, Action<PostgresStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<PostgresStoreOptions>().Configure(configure);
        builder.Services.AddSingleton<IConfigurationValidator>(sp =>
            new PostgresStoreOptionsValidator(sp.GetRequiredService<IOptions<PostgresStoreOptions>>().Value));
        builder.Services.AddSingleton(sp => PostgresTrialStore.Create(
            sp.GetRequiredService<IOptions<PostgresStoreOptions>>().Value.ConnectionString, sp.GetRequiredService<ILoggerFactory>()));
        return builder.AddTrialStore<PostgresTrialStore>();
    }

    public static ISiloBuilder UseSqliteTrialStore(this ISiloBuilder builder, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<SqliteStoreOptions>().Configure(configure);
        builder.Services.AddSingleton<IConfigurationValidator>(sp =>
            new SqliteStoreOptionsValidator(sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value));
        builder.Services.AddSingleton(sp => new SqliteTrialStore(
            sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.Path, sp.GetRequiredService<ILogger<SqliteTrialStore>>()));
        return builder.AddTrialStore<SqliteTrialStore>();
    }

    /// <summary>Changes how long store calls are retried (<see cref="StoreResilienceOptions"/>); the defaults suit production.</summary>
    public static ISiloBuilder ConfigureTrialStoreResilience(this ISiloBuilder builder, Action<StoreResilienceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<StoreResilienceOptions>().Configure(configure);
        return builder;
    }

    /// <summary>The store a parsed location names (what the CLI's --store and the silo's configuration give).</summary>
    public static ISiloBuilder UseTrialStore(this ISiloBuilder builder, StoreLocation location) => location switch
    {
        StoreLocation.Sqlite sqlite => builder.UseSqliteTrialStore(o => o.Path = sqlite.Path),
        StoreLocation.Postgres postgres => builder.UsePostgresTrialStore(o => o.ConnectionString = postgres.ConnectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(location), location, "unknown kind of store location"),
    };

    private static ISiloBuilder AddTrialStore<TStore>(this ISiloBuilder builder) where TStore : class, ITrialStore
    {
        // The container owns (and disposes) the backend; the decorator only retries calls to it.
        builder.Services.AddOptions<StoreResilienceOptions>();
        builder.Services.AddSingleton<IConfigurationValidator>(sp =>
            new StoreResilienceOptionsValidator(sp.GetRequiredService<IOptions<StoreResilienceOptions>>().Value));
        builder.Services.AddSingleton<ITrialStore>(sp => new ResilientTrialStore(sp.GetRequiredService<TStore>(),
            sp.GetRequiredService<IOptions<StoreResilienceOptions>>().Value, sp.GetRequiredService<ILogger<ResilientTrialStore>>()));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, TrialStoreMigrator>();
        return builder;
    }
}

/// <summary>Migrates the trial store's schema when the silo starts, before anything reads it.</summary>
/// <remarks>The store is resolved only then: after Orleans has validated the options it is built from.</remarks>
internal sealed class TrialStoreMigrator(IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(TrialStoreMigrator), ServiceLifecycleStage.First,
            ct => services.GetRequiredService<ITrialStore>().MigrateAsync(ct));
}
