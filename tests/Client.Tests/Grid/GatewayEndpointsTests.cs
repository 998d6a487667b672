using AeGrid.Client.Cli;
using AeGrid.Client.Grid;
using AeGrid.Client.Tests.Support;

namespace AeGrid.Client.Tests.Grid;

public sealed class GatewayEndpointsTests
{
    [Fact]
    public void Gateways_are_host_port_pairs_given_repeatedly_or_comma_separated()
    {
        var parsed = GatewayEndpoints.Parse(["silo-0.aegrid:30000", "10.0.0.7:30001, [::1]:30002"]);
        Assert.Equal([("silo-0.aegrid", 30000), ("10.0.0.7", 30001), ("::1", 30002)], parsed);
    }

    [Theory]
    [InlineData("silo-0")]
    [InlineData("silo-0:")]
    [InlineData(":30000")]
    [InlineData("silo-0:0")]
    [InlineData("silo-0:65536")]
    [InlineData("silo-0:port")]
    [InlineData("::1:30000")]
    public void A_bad_gateway_is_bad_input_naming_the_option_and_the_entry(string entry)
    {
        var e = Assert.Throws<CliException>(() => GatewayEndpoints.Parse([entry]));
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
        Assert.StartsWith($"--gateway: '{entry}'", e.Message);
    }

    [Fact]
    public async Task A_grid_command_with_a_bad_gateway_exits_2_before_connecting()
    {
        var run = await Aegrid.RunAsync("sweep", "list", "--gateway", "nohost", "--insecure");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --gateway: 'nohost' is not host:port (e.g. silo-0.aegrid:30000 or [::1]:30000)", Assert.Single(run.StderrLines));
    }
}
