using System.CommandLine;

namespace AeGrid.Client.Grid;

/// <summary>The options every grid command shares: where the grid is, and JSON output.</summary>
internal sealed class GridOptions
{
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = "PostgreSQL that holds the cluster's membership and store (postgres://user:pass@host:port/db); default $AEGRID_CLUSTER. " +
                      "Without it, commands run against the local store in-process.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AEGRID_CLUSTER"),
    };

    public Option<string?> Store { get; } = new("--store")
    {
        Description = "Local mode only: the store to use (a SQLite file, or postgres://…); default ~/.aegrid/aegrid.db or $AEGRID_STORE.",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object instead of tables." };

    public void AddTo(Command command, bool withJson = true)
    {
        command.Options.Add(Cluster);
        command.Options.Add(Store);
        if (withJson) command.Options.Add(Json);
    }

    public Task<GridSession> OpenAsync(Cli.CommandContext context) =>
        GridSession.OpenAsync(context.ParseResult.GetValue(Cluster), context.ParseResult.GetValue(Store), context.Cancel);
}
