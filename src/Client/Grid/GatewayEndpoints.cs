using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AeGrid.Client.Cli;

namespace AeGrid.Client.Grid;

/// <summary>
/// Gateway endpoints a client is told about (--gateway host:port, repeatable, or AEGRID_GATEWAYS=a:30000,b:30000), for
/// Orleans' static gateway list: the client then reaches the cluster without reading the membership table, so it needs
/// no database access at all.
/// </summary>
internal static class GatewayEndpoints
{
    /// <summary>Splits and checks "host:port" entries (IPv6 as [::1]:30000); the first bad one is exit 2 naming it.</summary>
    public static IReadOnlyList<(string Host, int Port)> Parse(IEnumerable<string> entries)
    {
        var parsed = new List<(string, int)>();
        foreach (var entry in entries.SelectMany(e => e.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var colon = entry.LastIndexOf(':');
            var host = colon > 0 ? entry[..colon].Trim('[', ']') : "";
            if (colon <= 0 || host.Length == 0 || (host.Contains(':') && !entry.StartsWith('['))
                || !int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                throw CliException.InvalidInput($"--gateway: '{entry}' is not host:port (e.g. silo-0.aegrid:30000 or [::1]:30000)");
            parsed.Add((host, port));
        }
        return parsed;
    }

    /// <summary>Every address of every host (a Kubernetes Service name may stand for several pods).</summary>
    public static async Task<IPEndPoint[]> ResolveAsync(IReadOnlyList<(string Host, int Port)> gateways, CancellationToken ct)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var (host, port) in gateways)
        {
            if (IPAddress.TryParse(host, out var address))
            {
                endpoints.Add(new IPEndPoint(address, port));
                continue;
            }
            try
            {
                endpoints.AddRange((await Dns.GetHostAddressesAsync(host, ct)).Select(a => new IPEndPoint(a, port)));
            }
            catch (SocketException e)
            {
                throw CliException.Failure($"--gateway: cannot resolve '{host}': {e.Message}");
            }
        }
        return [.. endpoints.Distinct()];
    }
}
