using AeGrid.Grains.Placement;
using AeGrid.Grains.Store;
using AeGrid.Grains.Sweeps;
using AeGrid.Grains.Trials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AeGrid.Grains.Hosting;

public static class AeGridSiloBuilderExtensions
{
    /// <summary>
    /// Makes this silo a trainer: slot placement, slot registration, membership-driven recovery and the services the
    /// grains need. The caller registers the <see cref="Store.ITrialStore"/> and <see cref="Store.EpochWriter"/>
    /// (which store depends on where the silo runs) and chooses clustering and reminders.
    /// </summary>
    public static ISiloBuilder UseAeGridTraining(this ISiloBuilder builder, Action<TrainingSiloOptions> configure)
    {
        builder.Services.Configure(configure);
        builder.AddPlacementDirector<TrainingSlotPlacement, TrainingSlotPlacementDirector>();
        builder.Services.TryAddSingleton<ModelKeeper>();
        builder.Services.AddSingleton<SiloReadiness>();
        builder.Services.AddSingleton<PackHost>();
        builder.Services.AddSingleton<SlotRegistration>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SlotRegistration>());
        builder.Services.AddHostedService<MembershipRecovery>();
        return builder;
    }

    /// <summary>
    /// The fleet gauges (<see cref="FleetGauges"/>: demand, pending and live slots by device) over the PostgreSQL store,
    /// the one that also holds membership. Cluster silos only: a local store has no fleet to describe.
    /// </summary>
    public static ISiloBuilder AddFleetGauges(this ISiloBuilder builder)
    {
        builder.Services.AddSingleton(sp => new FleetQueries(sp.GetRequiredService<PostgresTrialStore>().DataSource));
        builder.Services.AddHostedService<FleetGauges>();
        return builder;
    }
}
