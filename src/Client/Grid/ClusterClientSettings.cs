using AeGrid.Grains.Store;
using AeGrid.Silo.Security;

namespace AeGrid.Client.Grid;

/// <summary>
/// How a CLI command reaches a running cluster: through the gateways listed in the membership table (--cluster, the
/// cluster's PostgreSQL), or through gateways named directly (--gateway; no database needed); with TLS credentials, or
/// in plain text when <see cref="Tls"/> is null (only ever by explicit --insecure).
/// </summary>
internal sealed record ClusterClientSettings
{
    /// <summary>The membership table's database (null with <see cref="Gateways"/>).</summary>
    public StoreLocation.Postgres? Membership { get; init; }
    public IReadOnlyList<(string Host, int Port)> Gateways { get; init; } = [];
    public required string ClusterId { get; init; }
    public required string ServiceId { get; init; }
    public ClusterCredentials? Tls { get; init; }

    /// <summary>For messages: where the client looked for the cluster (passwords never shown).</summary>
    public string Describe() => Gateways.Count > 0
        ? $"gateway {string.Join(", ", Gateways.Select(g => g.Host.Contains(':') ? $"[{g.Host}]:{g.Port}" : $"{g.Host}:{g.Port}"))}"
        : $"{Membership}";
}
