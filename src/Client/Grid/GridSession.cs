using System.Net;
using System.Net.Sockets;
using AeGrid.Client.Cli;
using AeGrid.Grains.Store;
using AeGrid.Silo;
using AeGrid.Silo.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace AeGrid.Client.Grid;

/// <summary>
/// A connection to a grid: either a client of a running cluster (gateways from its membership in PostgreSQL, or named
/// with --gateway), or, with no cluster named, a silo hosted in this process on the local store. Commands use <see cref="Grains"/> either way.
/// </summary>
internal sealed class GridSession : IAsyncDisposable
{
    readonly IHost _host;
    /// <summary>Held while a local session trains, so no second process drives the same store.</summary>
    LocalRunGuard? _guard;
    public IGrainFactory Grains { get; }
    /// <summary>True when this process hosts the silo (local mode): trainings run here.</summary>
    public bool IsLocal { get; }

    GridSession(IHost host, IGrainFactory grains, bool isLocal)
    {
        _host = host;
        Grains = grains;
        IsLocal = isLocal;
    }

    /// <summary>The local store used when neither --cluster nor --store is given.</summary>
    public static string DefaultLocalStore =>
        Environment.GetEnvironmentVariable("AEGRID_STORE")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aegrid", "aegrid.db");

    /// <summary>Connects to a running cluster as a client, through its membership table or the named gateways.</summary>
    public static async Task<GridSession> ConnectAsync(ClusterClientSettings settings, CancellationToken ct)
    {
        var gateways = settings.Gateways.Count > 0 ? await GatewayEndpoints.ResolveAsync(settings.Gateways, ct) : null;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var handshakes = new HandshakeWatch();
        builder.Logging.AddProvider(handshakes);
        // AEGRID_DEBUG=1: Orleans' own warnings (refused handshakes, dropped gateways) on stderr, to diagnose a connection.
        if (Output.ErrorReport.Debugging)
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
                .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
            if (gateways is not null) client.UseStaticClustering(gateways);
            else client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = settings.Membership!.ConnectionString; });
            if (settings.Tls is not null) client.UseClusterTls(settings.Tls);
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            client.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
        });
        var host = builder.Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, handshakes.GiveUp);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await host.StartAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            host.Dispose();
            var reason = handshakes.GaveUp ? ConnectionFailure.ClosedInHandshake(settings) : ConnectionFailure.Describe(e, settings);
            throw CliException.Failure($"cannot reach the cluster at {settings.Describe()}: {reason}");
        }
        return new GridSession(host, host.Services.GetRequiredService<IClusterClient>(), isLocal: false);
    }

    /// <summary>Hosts a single silo in this process on <paramref name="store"/> (SQLite path or PostgreSQL URL).</summary>
    /// <param name="slots">Trainings at once; 0 for a session that only reads (status, best, export) and must not train.</param>
    public static async Task<GridSession> StartLocalAsync(string store, int slots, int? threads, string device,
        Action<ILoggingBuilder>? logging, CancellationToken ct)
    {
        var settings = new SiloSettings
        {
            Store = store,
            Local = true,
            SiloPort = FreePort(),
            GatewayPort = FreePort(),
            Training = new() { Slots = slots, Trains = slots > 0, ThreadsPerSlot = threads, DeviceKind = device },
        };
        // Only a session that trains drives sweeps; one that reads (status, watch from a second terminal) needs no guard.
        var guard = settings.Training.Trains ? await AcquireGuardAsync(store, ct) : null;
        IHost host;
        try
        {
            host = await SiloHostFactory.BuildAsync(settings, logging ?? (b => b.AddFilter(_ => false)), ct);
            await host.StartAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (guard is not null) await guard.DisposeAsync();
            throw CliException.Failure($"cannot start the local silo on {store}: {StartupErrors.Describe(e)}");
        }
        return new GridSession(host, host.Services.GetRequiredService<IGrainFactory>(), isLocal: true) { _guard = guard };
    }

    static async Task<LocalRunGuard> AcquireGuardAsync(string store, CancellationToken ct)
    {
        try
        {
            return await LocalRunGuard.AcquireAsync(store, ct);
        }
        catch (Exception e) when (e is not CliException and not OperationCanceledException)
        {
            throw CliException.Failure($"cannot start the local silo on {store}: {StartupErrors.Describe(e)}");
        }
    }

    /// <summary>Cluster settings (from --cluster or --gateway) → a client; otherwise a local silo on --store or the default store.</summary>
    public static Task<GridSession> OpenAsync(ClusterClientSettings? cluster, string? store, CancellationToken ct) =>
        cluster is not null
            ? ConnectAsync(cluster, ct)
            : StartLocalAsync(store ?? DefaultLocalStore, slots: 0, threads: null, device: "cpu", logging: null, ct);

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(35));
            await _host.StopAsync(cts.Token);
        }
        finally
        {
            _host.Dispose();
            if (_guard is not null) await _guard.DisposeAsync();
        }
    }
}
