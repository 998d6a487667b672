using AeGrid.Client.Tests.Support;

namespace AeGrid.Client.Tests.Security;

/// <summary>A cluster client must choose TLS or plain text, clearly, before it contacts anything (exit 2, one line).
/// Local mode needs neither.</summary>
public sealed class ClusterSecurityOptionsTests
{
    [Fact]
    public async Task A_cluster_client_with_neither_tls_nor_insecure_is_told_how_to_fix_it()
    {
        var run = await Aegrid.RunAsync("sweep", "list", "--gateway", "127.0.0.1:1");
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("--tls-cert, --tls-key and --tls-ca", line);
        Assert.Contains("--insecure (AEGRID_INSECURE=1)", line);
    }

    [Fact]
    public async Task A_client_without_a_certificate_of_its_own_is_refused_naming_tls_cert()
    {
        var run = await Aegrid.RunAsync("sweep", "list", "--gateway", "127.0.0.1:1", "--tls-ca", "/no/ca.pem");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --tls-cert (AEGRID_TLS_CERT) is missing", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Insecure_and_tls_options_together_are_a_contradiction()
    {
        var run = await Aegrid.RunAsync("sweep", "list", "--gateway", "127.0.0.1:1", "--insecure", "--tls-ca", "/no/ca.pem");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--insecure (AEGRID_INSECURE) contradicts --tls-cert", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task A_bad_cluster_id_is_bad_input()
    {
        var run = await Aegrid.RunAsync("sweep", "list", "--gateway", "127.0.0.1:1", "--insecure", "--cluster-id", "a b");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --cluster-id: 'a b' is not an id (letters, digits, '-', '_', '.')", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Help_shows_the_variables_but_never_their_values()
    {
        Environment.SetEnvironmentVariable("AEGRID_CLUSTER", "postgres://u:HelpSecret123@db/x");
        try
        {
            var run = await Aegrid.RunAsync("sweep", "list", "--help");
            Assert.Contains("$AEGRID_CLUSTER", run.Stdout);
            Assert.Contains("--gateway", run.Stdout);
            Assert.Contains("--store-password-file", run.Stdout);
            Assert.DoesNotContain("HelpSecret123", run.Stdout);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AEGRID_CLUSTER", null);
        }
    }
}
