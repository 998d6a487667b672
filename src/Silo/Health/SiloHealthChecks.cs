using AeGrid.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace AeGrid.Silo.Health;

/// <summary>
/// Live: the process and its silo host run. Only a silo that membership declared dead while the process lingers is not,
/// so a restart is what helps; a draining silo is still live (killing it would lose the checkpoints it is writing).
/// </summary>
internal sealed class SiloLivenessCheck(IServiceProvider services, SiloReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Membership is only asked once the silo joined: resolving it earlier would race the silo's own start.
        if (readiness.SlotsRegistered && SiloStatusOf(services) == SiloStatus.Dead)
            return Task.FromResult(HealthCheckResult.Unhealthy("membership declared this silo dead"));
        return Task.FromResult(HealthCheckResult.Healthy("running"));
    }

    internal static SiloStatus SiloStatusOf(IServiceProvider services)
    {
        var local = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        return services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.GetSiloStatus(local);
    }
}

/// <summary>
/// Ready: an Active member of the cluster with its slots in the ledger, and not stopping. From SIGTERM on it is not ready,
/// so Kubernetes stops routing to it while its trials checkpoint and hand off.
/// </summary>
internal sealed class SiloReadinessCheck(IServiceProvider services, SiloReadiness readiness, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested || readiness.Draining)
            return Task.FromResult(HealthCheckResult.Unhealthy("draining: shutting down"));
        if (!readiness.SlotsRegistered)
            return Task.FromResult(HealthCheckResult.Unhealthy("joining: slots not yet in the ledger"));
        var status = SiloLivenessCheck.SiloStatusOf(services);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("active")
            : HealthCheckResult.Unhealthy($"membership status {status}"));
    }
}
