using System.CommandLine;
using AeGrid.Client.Cli;
using AeGrid.Grains.Store;
using AeGrid.Silo;
using AeGrid.Silo.Security;

namespace AeGrid.Client.Grid;

/// <summary>The options every grid command shares: where the grid is, how to reach it securely, and JSON output.</summary>
internal sealed class GridOptions
{
    // No DefaultValueFactory reading the environment: --help would print the value, and AEGRID_CLUSTER may hold a password.
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = $"PostgreSQL that holds the cluster's membership (postgres://user@host:port/db) [default: ${AeGridEnvironment.Cluster}]. " +
                      "Without it or --gateway, commands run against the local store in-process.",
        HelpName = "URL",
    };

    public Option<string[]> Gateway { get; } = new("--gateway")
    {
        Description = $"A silo's gateway (host:port), repeatable: reach the cluster without its database [default: ${AeGridEnvironment.Gateways}, comma-separated]",
        HelpName = "HOST:PORT",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> Store { get; } = new("--store")
    {
        Description = "Local mode only: the store to use (a SQLite file, or postgres://…); default ~/.aegrid/aegrid.db or $AEGRID_STORE.",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object instead of tables." };

    public ClusterSecurityOptions Security { get; } = new();

    public void AddTo(Command command, bool withJson = true)
    {
        command.Options.Add(Cluster);
        command.Options.Add(Gateway);
        command.Options.Add(Store);
        Security.AddTo(command);
        if (withJson) command.Options.Add(Json);
    }

    public Task<GridSession> OpenAsync(CommandContext context) =>
        GridSession.OpenAsync(ClusterSettings(context.ParseResult), context.ParseResult.GetValue(Store), context.Cancel);

    /// <summary>The cluster to connect to, or null for local mode. --gateway (or AEGRID_GATEWAYS) wins over --cluster: it
    /// needs no database. TLS (or an explicit --insecure) is required here, never in local mode.</summary>
    public ClusterClientSettings? ClusterSettings(ParseResult p)
    {
        var gatewayEntries = p.GetValue(Gateway) is { Length: > 0 } given ? given
            : AeGridEnvironment.Get(AeGridEnvironment.Gateways) is { } env ? [env] : [];
        var gateways = GatewayEndpoints.Parse(gatewayEntries);
        var cluster = p.GetValue(Cluster) ?? AeGridEnvironment.Get(AeGridEnvironment.Cluster);
        if (gateways.Count == 0 && cluster is null) return null;

        StoreLocation.Postgres? membership = null;
        if (gateways.Count == 0)
        {
            StoreLocation location;
            try
            {
                location = StorePasswordFile.Apply(StoreLocation.Parse(cluster!), Security.StorePasswordFileOf(p));
            }
            catch (Exception e) when (e is FormatException or ClusterSecurityException)
            {
                throw CliException.InvalidInput(e is FormatException ? $"--cluster: {SecretText.Scrub(e.Message)}" : e.Message);
            }
            membership = location as StoreLocation.Postgres
                         ?? throw CliException.InvalidInput($"--cluster must name the PostgreSQL that holds the cluster (postgres://…), got {location}");
        }
        return new ClusterClientSettings
        {
            Membership = membership,
            Gateways = gateways,
            ClusterId = Security.ClusterIdOf(p),
            ServiceId = Security.ServiceIdOf(p),
            Tls = Security.ResolveTls(p),
        };
    }
}
