using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AeGrid.Silo.Security;

/// <summary>
/// How a cluster silo or client secures its connections, as the user gave it: certificate files, or plain text on
/// purpose. <see cref="Resolve"/> turns that into credentials, or refuses with one line saying what to do.
/// </summary>
/// <param name="Cert">PEM certificate (its key in <paramref name="Key"/> or in the same file), or a .pfx/.p12 file.</param>
/// <param name="Key">PEM private key (unencrypted) of <paramref name="Cert"/>.</param>
/// <param name="Ca">PEM bundle: the cluster's CA certificate(s) and/or pinned peer certificates.</param>
/// <param name="Insecure">Plain text, chosen explicitly (--insecure, AEGRID_INSECURE=1).</param>
public sealed record ClusterTlsSettings(string? Cert, string? Key, string? Ca, bool Insecure)
{
    /// <summary>The fix for a cluster process started with neither TLS nor --insecure; printed as is.</summary>
    public static readonly string MissingMessage =
        $"cluster traffic would be unencrypted: give --tls-cert, --tls-key and --tls-ca (or {AeGridEnvironment.TlsCert}, " +
        $"{AeGridEnvironment.TlsKey}, {AeGridEnvironment.TlsCa}), or --insecure ({AeGridEnvironment.Insecure}=1) for plain text on a trusted network";

    /// <summary>Plain text, chosen in code (in-process test clusters on loopback).</summary>
    public static ClusterTlsSettings PlainText { get; } = new(null, null, null, Insecure: true);

    /// <summary>The settings from the environment alone (the silo executable and the CLI's defaults).</summary>
    public static ClusterTlsSettings FromEnvironment() => new(
        AeGridEnvironment.Get(AeGridEnvironment.TlsCert), AeGridEnvironment.Get(AeGridEnvironment.TlsKey),
        AeGridEnvironment.Get(AeGridEnvironment.TlsCa), AeGridEnvironment.IsOn(AeGridEnvironment.Get(AeGridEnvironment.Insecure)));

    /// <summary>Credentials to use, or null for plain text (only when <see cref="Insecure"/> was chosen).</summary>
    /// <exception cref="ClusterSecurityException">Nothing chosen, a contradiction, or a file that cannot be used.</exception>
    public ClusterCredentials? Resolve()
    {
        var anyTls = Cert is not null || Key is not null || Ca is not null;
        if (Insecure && anyTls)
            throw new ClusterSecurityException($"--insecure ({AeGridEnvironment.Insecure}) contradicts --tls-cert/--tls-key/--tls-ca ({AeGridEnvironment.TlsCert}, {AeGridEnvironment.TlsKey}, {AeGridEnvironment.TlsCa}): choose one");
        if (Insecure) return null;
        if (!anyTls) throw new ClusterSecurityException(MissingMessage);
        if (Cert is null) throw new ClusterSecurityException($"--tls-cert ({AeGridEnvironment.TlsCert}) is missing: every silo and client presents a certificate signed by the cluster's CA");
        if (Ca is null) throw new ClusterSecurityException($"--tls-ca ({AeGridEnvironment.TlsCa}) is missing: name the PEM bundle of the cluster's CA, which peers must be signed by");
        return new ClusterCredentials(LoadCertificate(Cert, Key), LoadBundle(Ca));
    }

    static X509Certificate2 LoadCertificate(string certPath, string? keyPath)
    {
        RequireFile("--tls-cert", certPath);
        if (keyPath is not null) RequireFile("--tls-key", keyPath);
        X509Certificate2 certificate;
        try
        {
            var pkcs12 = certPath.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || certPath.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
            if (pkcs12)
            {
                if (keyPath is not null) throw new ClusterSecurityException($"--tls-key: {keyPath}: not needed with a PKCS#12 --tls-cert (its key is inside)");
                certificate = X509CertificateLoader.LoadPkcs12FromFile(certPath, AeGridEnvironment.Get(AeGridEnvironment.TlsPfxPassword));
            }
            else
            {
                if (keyPath is null && !File.ReadAllText(certPath).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
                    throw new ClusterSecurityException($"--tls-cert: {certPath}: has no private key: give it with --tls-key");
                using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
                // A key read from PEM is ephemeral; a PKCS#12 round trip gives SslStream a key it can use on every platform.
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
        }
        catch (CryptographicException e)
        {
            var which = keyPath is null ? $"--tls-cert: {certPath}" : $"--tls-cert/--tls-key: {certPath}, {keyPath}";
            throw new ClusterSecurityException($"{which}: cannot read the certificate and its private key ({OneLine(e.Message)}); " +
                                               "expected PEM files with an unencrypted key, or a .pfx/.p12 file", e);
        }
        if (!certificate.HasPrivateKey)
            throw new ClusterSecurityException($"--tls-cert: {certPath}: has no private key: give it with --tls-key");
        var now = DateTime.Now;
        if (certificate.NotAfter < now)
            throw new ClusterSecurityException($"--tls-cert: {certPath}: the certificate expired on {certificate.NotAfter:yyyy-MM-dd HH:mm}");
        if (certificate.NotBefore > now)
            throw new ClusterSecurityException($"--tls-cert: {certPath}: the certificate is not valid before {certificate.NotBefore:yyyy-MM-dd HH:mm}");
        return certificate;
    }

    static X509Certificate2Collection LoadBundle(string path)
    {
        RequireFile("--tls-ca", path);
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw new ClusterSecurityException($"--tls-ca: {path}: not a PEM certificate bundle ({OneLine(e.Message)})", e);
        }
        if (bundle.Count == 0)
            throw new ClusterSecurityException($"--tls-ca: {path}: holds no certificate (expected -----BEGIN CERTIFICATE----- blocks)");
        return bundle;
    }

    static void RequireFile(string option, string path)
    {
        if (!File.Exists(path)) throw new ClusterSecurityException($"{option}: {path}: no such file");
        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ClusterSecurityException($"{option}: {path}: cannot be read ({OneLine(e.Message)})", e);
        }
    }

    static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
