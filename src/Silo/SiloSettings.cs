using AeGrid.Grains.Hosting;
using AeGrid.Silo.Security;

namespace AeGrid.Silo;

/// <summary>Everything that decides how a silo joins the grid. Built from `aegrid silo` options or configuration.</summary>
public sealed record SiloSettings
{
    /// <summary>Where sweeps live: a postgres:// URL or Npgsql connection string (cluster mode), or a SQLite path (local mode).</summary>
    public required string Store { get; init; }
    /// <summary>Local mode: a single silo with localhost clustering and in-memory reminders, not reachable from other hosts.</summary>
    public bool Local { get; init; }
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    /// <summary>The address other silos and clients reach this one at; defaults to loopback.</summary>
    public string AdvertisedAddress { get; init; } = "127.0.0.1";
    public string ClusterId { get; init; } = "aegrid";
    public string ServiceId { get; init; } = "aegrid";
    /// <summary>A file holding the store's password (not the password itself, so these settings can be printed).</summary>
    public string? StorePasswordFile { get; init; }
    /// <summary>Cluster mode: TLS certificate files, or plain text chosen explicitly. Null refuses to start (there is no
    /// silent plain-text default). Local mode listens on loopback only and ignores it.</summary>
    public ClusterTlsSettings? Transport { get; init; }
    public TrainingSiloOptions Training { get; init; } = new();
    /// <summary>Failure detection tuned for tests and small clusters: a dead silo is declared in seconds.</summary>
    public bool FastFailureDetection { get; init; }
    /// <summary>How long a graceful stop (SIGTERM) may take: trials checkpoint and hand off within it.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Send traces and metrics to this OTLP endpoint (also read from OTEL_EXPORTER_OTLP_ENDPOINT).</summary>
    public string? OtlpEndpoint { get; init; }
    /// <summary>Print traces and metrics to the console (for looking, not for production).</summary>
    public bool ConsoleTelemetry { get; init; }
    /// <summary>Port of the /healthz and /readyz probes; 0 serves none. Cluster silos default to
    /// <see cref="DefaultHealthPort"/> (AEGRID_HEALTH_PORT, --health-port); local mode never serves them.</summary>
    public int HealthPort { get; init; }

    public const int DefaultHealthPort = 8080;

    /// <summary>Directories besides $AEGRID_DATA, ~/.aegrid/data and /usr/share/datasets under which sweeps may name
    /// datasets (`--data-root`). A local-mode silo accepts any directory: its only client is its own user.</summary>
    public IReadOnlyList<string> DataRoots { get; init; } = [];
}
