using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AeGrid.TestSupport;

/// <summary>
/// A throwaway certificate authority made at test time (no private key is ever checked in): it issues certificates
/// for silos and clients and writes them as PEM files, the way a Kubernetes Secret mounts them.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    readonly ECDsa _key;

    public X509Certificate2 Certificate { get; }

    TestCertificateAuthority(ECDsa key, X509Certificate2 certificate)
    {
        _key = key;
        Certificate = certificate;
    }

    public static TestCertificateAuthority Create(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new TestCertificateAuthority(key, request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2)));
    }

    /// <summary>A certificate for <paramref name="name"/> (server and client use, 127.0.0.1 and localhost), with its key.</summary>
    public X509Certificate2 Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Certificate, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(12));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the CA's certificate (the trust bundle) into <paramref name="folder"/>; returns its path.</summary>
    public string WriteBundle(string folder)
    {
        var path = Path.Combine(folder, $"{Certificate.GetNameInfo(X509NameType.SimpleName, false)}-ca.pem");
        File.WriteAllText(path, Certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>Issues a certificate for <paramref name="name"/> and writes NAME.crt and NAME.key (PEM) into <paramref name="folder"/>.</summary>
    public (string Cert, string Key) WriteIssued(string folder, string name)
    {
        using var certificate = Issue(name);
        var cert = Path.Combine(folder, $"{name}.crt");
        var key = Path.Combine(folder, $"{name}.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
