using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AeGrid.Silo.Health;

/// <summary>Adds the probes to a silo host: the two checks and the endpoint. Call before UseOrleans (see HealthEndpoint).</summary>
internal static class HealthProbes
{
    public static void Add(HostApplicationBuilder builder, int port)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<SiloLivenessCheck>("silo-live", tags: [HealthEndpoint.LiveTag])
            .AddCheck<SiloReadinessCheck>("silo-ready", tags: [HealthEndpoint.ReadyTag]);
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<HealthEndpoint>(sp, port));
    }
}
