using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AeGrid.Silo;

/// <summary>Traces and metrics out of every silo: Orleans' own sources and AeGrid's, to OTLP and/or the console.</summary>
internal static class Telemetry
{
    public static void Add(HostApplicationBuilder builder, SiloSettings settings)
    {
        var otlp = settings.OtlpEndpoint ?? Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (string.IsNullOrEmpty(otlp) && !settings.ConsoleTelemetry) return;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("aegrid-silo", serviceInstanceId: $"{settings.AdvertisedAddress}:{settings.SiloPort}"))
            .WithTracing(t =>
            {
                t.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", AeGrid.Grains.Hosting.AeGridTelemetry.SourceName);
                if (!string.IsNullOrEmpty(otlp)) t.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                if (settings.ConsoleTelemetry) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter("Microsoft.Orleans", AeGrid.Grains.Hosting.AeGridTelemetry.MeterName);
                if (!string.IsNullOrEmpty(otlp)) m.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                if (settings.ConsoleTelemetry) m.AddConsoleExporter();
            });
    }
}
