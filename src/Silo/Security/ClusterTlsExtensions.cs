using Orleans.Connections.Security;

namespace AeGrid.Silo.Security;

/// <summary>Mutual TLS on every cluster connection: silo to silo, and client to gateway. Both ends present a certificate
/// and accept only peers the <see cref="ClusterCredentials"/> trust.</summary>
public static class ClusterTlsExtensions
{
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, ClusterCredentials credentials) =>
        silo.UseTls(credentials.Certificate, o => Configure(o, credentials));

    public static IClientBuilder UseClusterTls(this IClientBuilder client, ClusterCredentials credentials) =>
        client.UseTls(credentials.Certificate, o => Configure(o, credentials));

    static void Configure(TlsOptions options, ClusterCredentials credentials)
    {
        // Require on both sides: a gateway refuses a client that presents no certificate, and a client refuses a
        // gateway that does not belong to the cluster.
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // The system's roots and host names say nothing about cluster membership: the cluster's bundle decides alone.
        options.RemoteCertificateValidation = (certificate, chain, _) => credentials.Accepts(certificate, chain);
    }
}
