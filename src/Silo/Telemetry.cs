using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AeGrid.Silo;

/// <summary>
/// Traces and metrics out of every silo: Orleans' own sources and AeGrid's, to OTLP and/or the console. The OpenTelemetry
/// SDK reads the standard OTEL_* variables itself (endpoint, protocol, headers, OTEL_METRIC_EXPORT_INTERVAL, …); this only
/// decides whether to export and sets what it must not leave out, never overriding what those variables say.
/// </summary>
internal static class Telemetry
{
    static readonly string[] OtlpEndpointVariables =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    public static void Add(HostApplicationBuilder builder, SiloSettings settings)
    {
        // An explicit --otlp-endpoint wins; otherwise any endpoint variable turns OTLP on and the SDK reads it (with its
        // protocol's signal paths, which an endpoint set in code would lose).
        var explicitEndpoint = string.IsNullOrEmpty(settings.OtlpEndpoint) ? null : new Uri(settings.OtlpEndpoint);
        var otlp = explicitEndpoint is not null || OtlpEndpointVariables.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)));
        if (!otlp && !settings.ConsoleTelemetry) return;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => Describe(r, settings))
            .WithTracing(t =>
            {
                t.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", Grains.Hosting.AeGridTelemetry.SourceName);
                if (otlp) t.AddOtlpExporter(o => { if (explicitEndpoint is not null) o.Endpoint = explicitEndpoint; });
                if (settings.ConsoleTelemetry) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter("Microsoft.Orleans", Grains.Hosting.AeGridTelemetry.MeterName);
                if (otlp) m.AddOtlpExporter(o => { if (explicitEndpoint is not null) o.Endpoint = explicitEndpoint; });
                if (settings.ConsoleTelemetry) m.AddConsoleExporter();
            });
    }

    /// <summary>
    /// service.name "aegrid-silo" and service.instance.id address:port, each only where OTEL_SERVICE_NAME and
    /// OTEL_RESOURCE_ATTRIBUTES do not say otherwise: attributes added here would override the SDK's environment detector.
    /// </summary>
    static void Describe(ResourceBuilder resource, SiloSettings settings)
    {
        var fromEnvironment = (Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2)[0].Trim())
            .ToHashSet();
        var attributes = new Dictionary<string, object>();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")) && !fromEnvironment.Contains("service.name"))
            attributes["service.name"] = "aegrid-silo";
        if (!fromEnvironment.Contains("service.instance.id"))
            attributes["service.instance.id"] = $"{settings.AdvertisedAddress}:{settings.SiloPort}";
        resource.AddAttributes(attributes);
    }
}
