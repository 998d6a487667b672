using System.Net;
using System.Net.Sockets;

namespace AeGrid.TestSupport;

/// <summary>Free TCP ports on 127.0.0.1 for servers a test starts (silos, gateways, PostgreSQL).</summary>
public static class LoopbackPorts
{
    /// <summary>A port the OS just handed out; another process may still take it before the caller binds it.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
