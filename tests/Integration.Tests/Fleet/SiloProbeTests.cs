using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Fleet;

/// <summary>
/// A real `aegrid silo` process as Kubernetes sees it: /healthz and /readyz (not ready during a SIGTERM drain), and
/// telemetry on the console that honours the OpenTelemetry SDK's OTEL_* variables.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class SiloProbeTests(PostgresServer server, ITestOutputHelper output)
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Healthz_and_readyz_answer_200_once_joined_and_readyz_503_while_a_sigterm_drains_a_running_trial()
    {
        var database = await server.CreateDatabaseAsync($"probes_{Guid.NewGuid():N}"[..20]);
        var healthPort = LoopbackPorts.Free();
        await using var silo = StartSilo(database, ["--health-port", healthPort.ToString()]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Eventually.HoldsAsync(async () => await StatusAsync(http, "/healthz") == 200, StartTimeout, () => silo.Stderr);
            await Eventually.HoldsAsync(async () => await StatusAsync(http, "/readyz") == 200, StartTimeout, () => silo.Stderr);
            Assert.Equal(404, await StatusAsync(http, "/elsewhere"));

            // A trial long enough to be running when SIGTERM comes: the drain pauses it, checkpoints and hands it off.
            using var client = await ClientAsync(database);
            await client.Services.GetRequiredService<IClusterClient>().GetGrain<ISweepDirectoryGrain>(0).Submit(SweepFiles.Tiny("drained", """
                epochs: 200
                architecture: linear
                """, limit: 2000), "drained.yaml");
            await Eventually.HoldsAsync(async () => (await StoreQueries.QueryAsync(database,
                "SELECT count(*) FROM epoch_metrics", r => r.GetInt64(0)))[0] > 0, StartTimeout, () => silo.Stderr);

            silo.Terminate();
            var seen = new List<int>();
            while (!silo.HasExited)
            {
                var status = await StatusAsync(http, "/readyz");
                if (status is null) break; // the endpoint stopped last, after the silo
                seen.Add(status.Value);
                await Task.Delay(25);
            }
            output.WriteLine($"/readyz after SIGTERM: {string.Join(", ", seen.Distinct())} ({seen.Count} answers)");
            // The first answers may come before the process handled the signal; once it stops being ready, it never is again.
            Assert.Contains(503, seen);
            Assert.DoesNotContain(200, seen.SkipWhile(status => status != 503));
            await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, silo.ExitCode);
            Assert.Equal(["pending"], await StoreQueries.QueryAsync(database, "SELECT status FROM trials", r => r.GetString(0)));
        }
        finally
        {
            output.WriteLine(silo.Stderr);
        }
    }

    [Fact]
    public async Task A_silo_whose_health_port_is_taken_still_runs_and_says_so()
    {
        var database = await server.CreateDatabaseAsync($"taken_{Guid.NewGuid():N}"[..20]);
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        squatter.Start();
        var port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        await using var silo = StartSilo(database, ["--health-port", port.ToString()]);
        try
        {
            await silo.WaitForOutputAsync("aegrid silo: running", StartTimeout);
            await silo.WaitForOutputAsync($"cannot listen on port {port}", TimeSpan.FromSeconds(10));
        }
        finally
        {
            silo.Terminate();
            try { await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)); } catch (TimeoutException) { }
            output.WriteLine(silo.Stdout);
        }
    }

    [Fact]
    public async Task Console_telemetry_honours_the_otel_service_name_resource_attributes_and_export_interval()
    {
        var database = await server.CreateDatabaseAsync($"otel_{Guid.NewGuid():N}"[..20]);
        var service = $"probe-{Guid.NewGuid():N}"[..14];
        await using var silo = StartSilo(database, ["--health-port", "0"], new Dictionary<string, string>
        {
            ["AEGRID_CONSOLE_TELEMETRY"] = "1",
            ["OTEL_SERVICE_NAME"] = service,
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=fleet-test",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        try
        {
            // The SDK's default interval is a minute: fleet gauges within seconds mean OTEL_METRIC_EXPORT_INTERVAL was read.
            await silo.WaitForOutputAsync("aegrid silo: running", StartTimeout);
            await silo.WaitForOutputAsync("aegrid.slots.total", TimeSpan.FromSeconds(20));
            Assert.Contains($"service.name: {service}", silo.Stdout);
            Assert.Contains("deployment.environment: fleet-test", silo.Stdout);
            Assert.DoesNotContain("service.name: aegrid-silo", silo.Stdout);
        }
        finally
        {
            silo.Terminate();
            try { await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)); } catch (TimeoutException) { }
            output.WriteLine(silo.Stderr);
        }
    }

    static AegridProcess StartSilo(string database, IReadOnlyList<string> extra, IDictionary<string, string>? environment = null) =>
        AegridProcess.Start("silo",
        [
            "silo", "--store", database, "--slots", "1", "--threads", "1", "--fast-failure-detection", "--shutdown-grace", "20",
            "--silo-port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString(), .. extra,
        ], environment);

    /// <summary>The HTTP status of a probe, or null when nothing listens.</summary>
    static async Task<int?> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    static Task<IHost> ClientAsync(string database) => PlainClients.StartAsync(database);
}
