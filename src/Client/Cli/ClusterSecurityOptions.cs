using System.CommandLine;
using AeGrid.Silo;
using AeGrid.Silo.Security;

namespace AeGrid.Client.Cli;

/// <summary>
/// The options that say how a cluster process (`aegrid silo`, or a CLI command connecting with --cluster/--gateway)
/// proves itself and whom it trusts: TLS files or --insecure, the cluster and service ids, the store's password file.
/// Each falls back to its AEGRID_* variable (<see cref="AeGridEnvironment"/>). Defaults are read when the command runs,
/// not shown by --help, so a value from the environment never lands in help output.
/// </summary>
internal sealed class ClusterSecurityOptions
{
    public Option<string?> TlsCert { get; } = File("--tls-cert",
        $"This process's certificate: PEM (key in --tls-key or the same file) or .pfx/.p12 [default: ${AeGridEnvironment.TlsCert}]");
    public Option<string?> TlsKey { get; } = File("--tls-key", $"PEM private key of --tls-cert, unencrypted [default: ${AeGridEnvironment.TlsKey}]");
    public Option<string?> TlsCa { get; } = File("--tls-ca",
        $"PEM bundle of the cluster's CA (or pinned certificates); peers must be signed by it [default: ${AeGridEnvironment.TlsCa}]");
    public Option<bool> Insecure { get; } = new("--insecure")
    {
        Description = $"Cluster traffic in plain text, without TLS: only on a network you trust (or {AeGridEnvironment.Insecure}=1)",
    };
    public Option<string?> ClusterId { get; } = new("--cluster-id")
    {
        Description = $"Orleans cluster id; silos and clients must agree [default: ${AeGridEnvironment.ClusterId}, else aegrid]", HelpName = "ID",
    };
    public Option<string?> ServiceId { get; } = new("--service-id")
    {
        Description = $"Orleans service id; silos and clients must agree [default: ${AeGridEnvironment.ServiceId}, else aegrid]", HelpName = "ID",
    };
    public Option<string?> StorePasswordFile { get; } = File("--store-password-file",
        $"File holding the PostgreSQL password (e.g. a mounted Secret); also PGPASSWORD, ~/.pgpass [default: ${AeGridEnvironment.StorePasswordFile}]");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { TlsCert, TlsKey, TlsCa, Insecure, ClusterId, ServiceId, StorePasswordFile })
            command.Options.Add(option);
    }

    /// <summary>TLS settings: what the command line says wins over the environment as a whole, so an AEGRID_INSECURE
    /// left in the environment does not contradict explicit --tls-* options (and vice versa).</summary>
    public ClusterTlsSettings Transport(ParseResult p)
    {
        var env = ClusterTlsSettings.FromEnvironment();
        var (cert, key, ca) = (p.GetValue(TlsCert), p.GetValue(TlsKey), p.GetValue(TlsCa));
        if (p.GetValue(Insecure)) return new ClusterTlsSettings(cert, key, ca, Insecure: true);
        if (cert is not null || key is not null || ca is not null)
            return new ClusterTlsSettings(cert ?? env.Cert, key ?? env.Key, ca ?? env.Ca, Insecure: false);
        return env;
    }

    /// <summary>Resolved credentials (null: plain text on purpose); a missing or bad setting is exit 2 with one line.</summary>
    public ClusterCredentials? ResolveTls(ParseResult p)
    {
        try
        {
            return Transport(p).Resolve();
        }
        catch (ClusterSecurityException e)
        {
            throw CliException.InvalidInput(e.Message, e);
        }
    }

    public string ClusterIdOf(ParseResult p) => Id(p.GetValue(ClusterId) ?? AeGridEnvironment.Get(AeGridEnvironment.ClusterId), "--cluster-id");
    public string ServiceIdOf(ParseResult p) => Id(p.GetValue(ServiceId) ?? AeGridEnvironment.Get(AeGridEnvironment.ServiceId), "--service-id");
    public string? StorePasswordFileOf(ParseResult p) => p.GetValue(StorePasswordFile) ?? AeGridEnvironment.Get(AeGridEnvironment.StorePasswordFile);

    static string Id(string? value, string option) =>
        value is null ? "aegrid"
        : value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? value
        : throw CliException.InvalidInput($"{option}: '{value}' is not an id (letters, digits, '-', '_', '.')");

    static Option<string?> File(string name, string description) => new(name) { Description = description, HelpName = "FILE" };
}
