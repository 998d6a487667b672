using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AeGrid.Silo.Health;

/// <summary>
/// Serves <c>/healthz</c> (live) and <c>/readyz</c> (ready) over plain HTTP for Kubernetes' probes: 200 when healthy, 503
/// otherwise, the check's description as text. A minimal Kestrel of its own beside the silo host, so the silo stays a
/// generic host; registered before Orleans, so it starts first and stops last, answering 503 throughout a drain.
/// </summary>
internal sealed partial class HealthEndpoint(int port, HealthCheckService checks, ILogger<HealthEndpoint> logger) : IHostedService, IAsyncDisposable
{
    public const string LiveTag = "live", ReadyTag = "ready";

    WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Any, port));
        var app = builder.Build();
        app.Run(AnswerAsync);
        try
        {
            await app.StartAsync(cancellationToken);
            _app = app;
            LogListening(port);
        }
        catch (IOException e)
        {
            // Port taken (several silos on one machine): the silo still runs; a probe that cannot connect says the rest.
            LogCannotListen(port, e.Message);
            await app.DisposeAsync();
        }
    }

    async Task AnswerAsync(HttpContext context)
    {
        var tag = context.Request.Path.Value switch { "/healthz" => LiveTag, "/readyz" => ReadyTag, _ => null };
        if (tag is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var report = await checks.CheckHealthAsync(r => r.Tags.Contains(tag), context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain";
        var detail = string.Join("; ", report.Entries.Select(e => e.Value.Description));
        await context.Response.WriteAsync($"{report.Status}: {detail}\n", context.RequestAborted);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    [LoggerMessage(LogLevel.Information, "Health probes on http://*:{Port}/healthz and /readyz")]
    partial void LogListening(int port);
    [LoggerMessage(LogLevel.Warning, "Health probes: cannot listen on port {Port}; this silo serves none ({Reason})")]
    partial void LogCannotListen(int port, string reason);
}
