using System.Security.Cryptography.X509Certificates;

namespace AeGrid.Silo.Security;

/// <summary>
/// What one process proves and trusts on the cluster's TLS connections: its own certificate (with private key) and the
/// cluster's trust bundle. A peer is accepted when its certificate is one of the bundle's certificates (pinned), or
/// chains to one of them. Host names are not checked: silos and clients reach each other by IP address, so the
/// cluster's CA, not a DNS name, is what identifies a member.
/// </summary>
public sealed class ClusterCredentials
{
    readonly X509Certificate2Collection _trusted;
    string? _lastRejection;

    public ClusterCredentials(X509Certificate2 certificate, X509Certificate2Collection trusted)
    {
        if (!certificate.HasPrivateKey) throw new ArgumentException("the certificate has no private key", nameof(certificate));
        if (trusted.Count == 0) throw new ArgumentException("the trust bundle is empty", nameof(trusted));
        Certificate = certificate;
        _trusted = trusted;
    }

    /// <summary>The certificate this process presents, as server and as client.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Why the last peer was refused (for the client's error line), or null.</summary>
    public string? LastRejection => _lastRejection;

    /// <summary>Whether <paramref name="remote"/> belongs to the cluster. <paramref name="presented"/> is the chain the
    /// peer sent, whose intermediates may be needed; its trust verdict (the system's roots) is ignored.</summary>
    public bool Accepts(X509Certificate2 remote, X509Chain? presented)
    {
        foreach (var pinned in _trusted)
            if (pinned.RawDataMemory.Span.SequenceEqual(remote.RawDataMemory.Span)) return true;

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        // A private CA publishes no revocation lists; revoking a member means rotating the CA or the pins.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(remote.RawDataMemory.Span))
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (chain.Build(remote)) return true;

        var problems = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        _lastRejection = $"the peer's certificate ({remote.Subject}, issued by {remote.Issuer}) is not signed by the cluster's CA ({problems})";
        return false;
    }
}
