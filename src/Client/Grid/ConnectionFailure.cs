using AeGrid.Silo;

namespace AeGrid.Client.Grid;

/// <summary>Why a client could not join the cluster, in words that point at the likely fix: TLS trust, plain text against
/// a TLS cluster, or an unreachable database/gateway. Passwords are scrubbed from whatever the libraries said.</summary>
internal static class ConnectionFailure
{
    public static string Describe(Exception e, ClusterClientSettings settings)
    {
        var said = StartupErrors.Describe(e);
        if (settings.Tls?.LastRejection is { } rejection)
            return $"{rejection}; check --tls-ca (the cluster's CA bundle)";
        if (!LooksLikeAGatewayProblem(e)) return said;
        return settings.Tls is null
            ? $"{said} (if the cluster uses TLS it refuses plain-text clients: give --tls-cert, --tls-key and --tls-ca)"
            : $"{said} (if the gateways are up, they refused this client's certificate: is --tls-cert signed by the cluster's CA?)";
    }

    /// <summary>The gateways kept closing connections during the handshake: a TLS mismatch, or another cluster id (the
    /// gateway closes the connection in both cases, so the line names both).</summary>
    public static string ClosedInHandshake(ClusterClientSettings settings)
    {
        var otherCluster = $"or the cluster's id is not '{settings.ClusterId}' (--cluster-id, {AeGridEnvironment.ClusterId})";
        return settings.Tls?.LastRejection is { } rejection ? $"{rejection}; check --tls-ca (the cluster's CA bundle)"
            : settings.Tls is null ? "the gateways closed every connection during the handshake: a cluster with TLS refuses " +
                                     $"plain-text clients (give --tls-cert, --tls-key and --tls-ca), {otherCluster}"
            : "the gateways closed every connection during the TLS handshake: they refused this client's certificate " +
              $"(is --tls-cert signed by the cluster's CA?), the cluster runs without TLS, {otherCluster}";
    }

    /// <summary>Orleans reports a refused or broken gateway connection as a connection or gateway error, wrapped.</summary>
    static bool LooksLikeAGatewayProblem(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is Orleans.Runtime.Messaging.ConnectionFailedException or Orleans.Runtime.SiloUnavailableException or TimeoutException
                or OperationCanceledException or System.IO.IOException)
                return true;
            if (x.GetType().Name.Contains("Gateway", StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
