using System.Security.Cryptography.X509Certificates;
using AeGrid.Silo.Security;
using AeGrid.TestSupport;

namespace AeGrid.Client.Tests.Security;

/// <summary>Loading certificates the way a mounted Secret gives them, and who the loaded credentials trust.
/// (src/Silo has no test project of its own; the CLI is its first user.)</summary>
public sealed class ClusterTlsSettingsTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("aegrid-tls-").FullName;
    readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create("unit-ca");
    readonly TestCertificateAuthority _other = TestCertificateAuthority.Create("unit-other");

    [Fact]
    public void Pem_files_give_credentials_that_trust_the_CA_and_nothing_else()
    {
        var (cert, key) = _ca.WriteIssued(_folder, "silo");
        var credentials = new ClusterTlsSettings(cert, key, _ca.WriteBundle(_folder), Insecure: false).Resolve()!;
        Assert.True(credentials.Certificate.HasPrivateKey);

        using var member = _ca.Issue("member");
        using var stranger = _other.Issue("stranger");
        Assert.True(credentials.Accepts(member, null));
        Assert.False(credentials.Accepts(stranger, null));
        Assert.Contains("CN=stranger", credentials.LastRejection);
    }

    [Fact]
    public void A_bundle_can_pin_a_certificate_instead_of_naming_a_CA()
    {
        using var pinned = _other.Issue("pinned");
        var bundle = Path.Combine(_folder, "pins.pem");
        File.WriteAllText(bundle, pinned.ExportCertificatePem());
        var (cert, key) = _ca.WriteIssued(_folder, "client");
        var credentials = new ClusterTlsSettings(cert, key, bundle, Insecure: false).Resolve()!;
        Assert.True(credentials.Accepts(pinned, null));
        using var sibling = _other.Issue("sibling");
        Assert.False(credentials.Accepts(sibling, null));
    }

    [Fact]
    public void The_key_may_sit_in_the_certificate_file_or_come_as_pkcs12()
    {
        var (cert, key) = _ca.WriteIssued(_folder, "combined");
        File.AppendAllText(cert, "\n" + File.ReadAllText(key));
        Assert.NotNull(new ClusterTlsSettings(cert, null, _ca.WriteBundle(_folder), false).Resolve());

        using var issued = _ca.Issue("pfx");
        var pfx = Path.Combine(_folder, "silo.pfx");
        File.WriteAllBytes(pfx, issued.Export(X509ContentType.Pkcs12));
        Assert.True(new ClusterTlsSettings(pfx, null, _ca.WriteBundle(_folder), false).Resolve()!.Certificate.HasPrivateKey);
    }

    [Fact]
    public void Unusable_files_are_one_line_naming_the_option_and_file()
    {
        var (cert, _) = _ca.WriteIssued(_folder, "keyless");
        var good = _ca.WriteIssued(_folder, "good");
        var bundle = _ca.WriteBundle(_folder);
        var garbage = Path.Combine(_folder, "garbage.pem");
        File.WriteAllText(garbage, "not a certificate");

        Assert.Equal($"--tls-cert: {cert}: has no private key: give it with --tls-key",
            Assert.Throws<ClusterSecurityException>(() => new ClusterTlsSettings(cert, null, bundle, false).Resolve()).Message);
        Assert.StartsWith($"--tls-ca: {garbage}: holds no certificate",
            Assert.Throws<ClusterSecurityException>(() => new ClusterTlsSettings(good.Cert, good.Key, garbage, false).Resolve()).Message);
        Assert.StartsWith($"--tls-cert/--tls-key: {cert}, {garbage}: cannot read",
            Assert.Throws<ClusterSecurityException>(() => new ClusterTlsSettings(cert, garbage, bundle, false).Resolve()).Message);
        Assert.Equal(ClusterTlsSettings.MissingMessage,
            Assert.Throws<ClusterSecurityException>(() => new ClusterTlsSettings(null, null, null, false).Resolve()).Message);
        Assert.Null(ClusterTlsSettings.PlainText.Resolve());
    }

    public void Dispose()
    {
        _ca.Dispose();
        _other.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
