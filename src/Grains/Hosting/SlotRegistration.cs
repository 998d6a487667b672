using AeGrid.Grains.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AeGrid.Grains.Hosting;

/// <summary>
/// Puts this silo's training slots in the ledger once it is active, and takes them out first thing on shutdown, so
/// that a draining silo is never chosen again while its running trials checkpoint and hand off.
/// </summary>
public sealed partial class SlotRegistration(
    ITrialStore store,
    ILocalSiloDetails silo,
    IOptions<TrainingSiloOptions> options,
    SiloReadiness readiness,
    ILogger<SlotRegistration> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SlotRegistration), ServiceLifecycleStage.Active, RegisterAsync, UnregisterAsync);

    async Task RegisterAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (o.Trains)
        {
            await store.RegisterSiloAsync(silo.SiloAddress.ToParsableString(), o.DeviceKind, o.EffectiveSlots, ct);
            LogRegistered(silo.SiloAddress.ToParsableString(), o.EffectiveSlots, o.DeviceKind);
        }
        readiness.MarkRegistered();
    }

    async Task UnregisterAsync(CancellationToken ct)
    {
        readiness.MarkDraining();
        try
        {
            await store.UnregisterSiloAsync(silo.SiloAddress.ToParsableString(), ct);
        }
        catch (Exception e)
        {
            // The ledger only counts silos that membership reports active, so a stale row is harmless.
            LogUnregisterFailed(e);
        }
    }

    [LoggerMessage(LogLevel.Information, "Silo {Silo} offers {Slots} {Kind} training slot(s)")]
    partial void LogRegistered(string silo, int slots, string kind);
    [LoggerMessage(LogLevel.Warning, "Could not remove this silo's slots from the ledger")]
    partial void LogUnregisterFailed(Exception e);
}
