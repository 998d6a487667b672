using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests;

/// <summary>
/// Mutual TLS with real processes: two `aegrid silo` processes with certificates from a CA made for the test, a sweep
/// submitted and watched by TLS clients through --gateway only (no database named), read through the membership table,
/// and the clients
/// the cluster must refuse: plain text, no certificate, a certificate from another CA.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class TlsClusterTests(PostgresServer server, ITestOutputHelper output)
{
    static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(120);
    /// <summary>Not the default id: clients must take theirs from AEGRID_CLUSTER_ID, as the silos take --cluster-id.</summary>
    const string ClusterId = "aegrid-tls";
    /// <summary>Client environment: the cluster id, and no AEGRID_INSECURE (the test helper's default).</summary>
    static readonly Dictionary<string, string> Secure = new() { [AegridProcess.InsecureVariable] = "", ["AEGRID_CLUSTER_ID"] = ClusterId };

    [Fact]
    public async Task Tls_cluster_runs_a_sweep_for_tls_clients_and_refuses_clients_without_its_certificates()
    {
        var clock = Stopwatch.StartNew();
        using var folder = new TemporaryFolder();
        using var ca = TestCertificateAuthority.Create("aegrid-test-ca");
        using var otherCa = TestCertificateAuthority.Create("other-ca");
        var bundle = ca.WriteBundle(folder.Path);
        var otherBundle = otherCa.WriteBundle(folder.Path);
        var client = ca.WriteIssued(folder.Path, "client");
        var stranger = otherCa.WriteIssued(folder.Path, "stranger");
        string[] Tls((string Cert, string Key) files, string trust) => ["--tls-cert", files.Cert, "--tls-key", files.Key, "--tls-ca", trust];

        var database = await server.CreateDatabaseAsync("grid_tls");
        var url = $"postgres://postgres@127.0.0.1:{server.Port}/grid_tls";
        var gatewayPorts = new[] { LoopbackPorts.Free(), LoopbackPorts.Free() };
        var gateways = gatewayPorts.SelectMany(p => new[] { "--gateway", $"127.0.0.1:{p}" }).ToArray();
        var silos = new List<AegridProcess>();
        try
        {
            for (int i = 0; i < 2; i++)
                silos.Add(AegridProcess.Start($"silo{i}",
                [
                    "silo", "--store", url, "--slots", "1", "--threads", "1", "--fast-failure-detection",
                    "--silo-port", LoopbackPorts.Free().ToString(), "--gateway-port", gatewayPorts[i].ToString(), "--cluster-id", ClusterId,
                    .. Tls(ca.WriteIssued(folder.Path, $"silo{i}"), bundle),
                ], AegridProcess.WithoutInsecure()));
            foreach (var silo in silos) await silo.WaitForOutputAsync("aegrid silo: running", TimeSpan.FromSeconds(180));
            output.WriteLine($"silos up after {clock.Elapsed.TotalSeconds:0.0} s");

            // (a) Submitted and watched through the gateways alone (no database named anywhere), both over TLS; then
            // read through the membership table, over TLS too.
            var spec = SweepFiles.Write(folder.Path, "tls", SweepFiles.Tiny("tls", """
                architecture: linear
                epochs: 1
                metric: test_mse
                search: grid
                space:
                  lr: [0.001, 0.003, 0.01, 0.03]
                """));
            var noDatabase = new Dictionary<string, string>(Secure) { ["AEGRID_CLUSTER"] = "" };
            var submit = await AegridProcess.RunAsync(["sweep", "submit", spec, "--json", .. gateways, .. Tls(client, bundle)], CliTimeout, noDatabase);
            Assert.True(submit.ExitCode == 0, submit.Stderr);
            var id = JsonDocument.Parse(submit.Stdout).RootElement.GetProperty("id").GetString()!;
            var watch = await AegridProcess.RunAsync(["sweep", "watch", id, "--json", .. gateways, .. Tls(client, bundle)],
                TimeSpan.FromMinutes(4), noDatabase);
            Assert.True(watch.ExitCode == 0, watch.Stderr);
            var result = JsonDocument.Parse(watch.Stdout.Trim().Split('\n')[^1]).RootElement;
            Assert.Equal("completed", result.GetProperty("state").GetString());
            Assert.Equal(4, result.GetProperty("counts").GetProperty("completed").GetInt32());
            // Trials on both silos: the sweep's calls crossed silo-to-silo connections, which are TLS too.
            Assert.Equal(2, (await StoreQueries.AttemptsAsync(database)).Select(a => a.Silo).Distinct().Count());
            var status = await AegridProcess.RunAsync(["sweep", "status", id, "--cluster", url, "--json", .. Tls(client, bundle)],
                CliTimeout, Secure);
            Assert.True(status.ExitCode == 0, status.Stderr);
            Assert.Equal(4, JsonDocument.Parse(status.Stdout).RootElement.GetProperty("trials").GetArrayLength());
            output.WriteLine($"sweep done after {clock.Elapsed.TotalSeconds:0.0} s");

            // (b) A plain-text client is refused by the gateways.
            var plain = await AegridProcess.RunAsync(["sweep", "list", .. gateways, "--insecure"], CliTimeout, Secure);
            AssertRefused(plain, "plain text");
            // (b) A client with no certificate of its own does not start: the line names the missing option.
            var noCertificate = await AegridProcess.RunAsync(["sweep", "list", .. gateways, "--tls-ca", bundle], CliTimeout,
                Secure);
            Assert.Equal(2, noCertificate.ExitCode);
            Assert.Contains("--tls-cert", Assert.Single(Lines(noCertificate.Stderr)));
            // (b) ...and the gateway itself hangs up on a TLS handshake that presents no certificate, while it keeps a
            // connection with the cluster's certificate open (waiting for the Orleans preamble).
            Assert.True(await GatewayHangsUpAsync(gatewayPorts[0], null, TimeSpan.FromSeconds(20)));
            using (var member = ca.Issue("probe"))
                Assert.False(await GatewayHangsUpAsync(gatewayPorts[0], member, TimeSpan.FromSeconds(3)));
            // (c) A certificate from another CA is refused by the gateway, though the client trusts the cluster's CA.
            var foreign = await AegridProcess.RunAsync(["sweep", "list", .. gateways, .. Tls(stranger, bundle)], CliTimeout,
                Secure);
            AssertRefused(foreign, "certificate from another CA");
            // (c) And a client refuses gateways its own bundle does not vouch for, saying so.
            var distrustful = await AegridProcess.RunAsync(["sweep", "list", .. gateways, .. Tls(client, otherBundle)], CliTimeout,
                Secure);
            AssertRefused(distrustful, "gateway outside its CA");
            Assert.Contains("not signed by the cluster's CA", distrustful.Stderr);
            output.WriteLine($"refusals checked after {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.Terminate();
                try { await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)); } catch (TimeoutException) { }
                output.WriteLine($"--- {silo.Name} stderr ---\n{silo.Stderr}");
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_cluster_silo_without_tls_or_insecure_exits_2_with_one_line_saying_how_to_fix_it()
    {
        // Checked before the database is touched: this one does not exist.
        var store = $"postgres://postgres@127.0.0.1:{LoopbackPorts.Free()}/nothing";
        var run = await AegridProcess.RunAsync(["silo", "--store", store], CliTimeout, Secure);
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(Lines(run.Stderr));
        Assert.Contains("--tls-cert", line);
        Assert.Contains("--insecure", line);
        Assert.Contains("AEGRID_TLS_CERT", line);

        var missing = await AegridProcess.RunAsync(["silo", "--store", store, "--tls-cert", "/no/such.crt", "--tls-ca", "/no/ca.pem"],
            CliTimeout, Secure);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--tls-cert: /no/such.crt: no such file", Assert.Single(Lines(missing.Stderr)));
    }

    void AssertRefused((int ExitCode, string Stdout, string Stderr) run, string who)
    {
        output.WriteLine($"{who}: exit {run.ExitCode}: {run.Stderr.Trim()}");
        Assert.NotEqual(0, run.ExitCode);
        Assert.StartsWith("error: cannot reach the cluster", Assert.Single(Lines(run.Stderr)));
        Assert.DoesNotContain("no sweeps yet", run.Stdout);
    }

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Whether the gateway ends a TLS connection (handshake error, alert, or close) that presents
    /// <paramref name="certificate"/> (or none) within <paramref name="wait"/>. The client side trusts any gateway.</summary>
    static async Task<bool> GatewayHangsUpAsync(int port, X509Certificate2? certificate, TimeSpan wait)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
            }, timeout.Token);
            // TLS 1.3 finishes the client's side of the handshake first: a refusal of its certificate arrives on read.
            return await tls.ReadAsync(new byte[64], timeout.Token) == 0;
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
