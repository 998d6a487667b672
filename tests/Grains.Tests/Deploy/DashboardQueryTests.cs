using System.Text.Json;
using System.Text.RegularExpressions;
using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using Npgsql;

namespace AeGrid.Grains.Tests.Deploy;

/// <summary>
/// Every panel query of the Grafana dashboard (deploy/grafana) runs against the real schema, with a sweep in it, so a
/// schema change that would break a panel fails here instead of on someone's wall screen.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed partial class DashboardQueryTests(PostgresServer server)
{
    [Fact]
    public async Task Every_panel_query_runs_on_the_real_schema_and_finds_the_sweep()
    {
        var database = await server.CreateDatabaseAsync($"dashboard_{Guid.NewGuid():N}"[..20]);
        await using var store = PostgresTrialStore.Create(database);
        await store.MigrateAsync();
        var sweepId = await SweepWithOneCompletedTrialAsync(store);

        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(DashboardPath()));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        Assert.NotEmpty(panels);
        var templating = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Select(v => v.GetProperty("query").GetString()!);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        foreach (var sql in templating)
            Assert.Contains(sweepId, await RunAsync(connection, sql));
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString()!;
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var sql = Expand(target.GetProperty("rawSql").GetString()!, sweepId);
                var rows = await RunAsync(connection, sql);
                if (title.StartsWith("Leaderboard") || title.StartsWith("Sweeps") || title.StartsWith("Test MSE"))
                    Assert.True(rows.Count > 0, $"panel '{title}' found nothing: {sql}");
            }
        }
    }

    /// <summary>Grafana's macros as Grafana expands them for PostgreSQL.</summary>
    static string Expand(string sql, string sweepId) =>
        TimeFilter().Replace(sql.Replace("$sweep", sweepId), m => $"{m.Groups[1].Value} BETWEEN now() - interval '1 day' AND now() + interval '1 day'");

    [GeneratedRegex(@"\$__timeFilter\(([^)]+)\)")]
    private static partial Regex TimeFilter();

    static async Task<List<string>> RunAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i))));
        return rows;
    }

    static async Task<string> SweepWithOneCompletedTrialAsync(ITrialStore store)
    {
        var sweepId = "dash-000001";
        var trial = new TrialConfig(TrialConfig.MakeId(sweepId, 0), sweepId, 0, new Hyperparameters { Architecture = "linear", Epochs = 1 });
        await store.CreateSweepAsync(new SweepRecord(sweepId, "dash", SweepState.Running, "name: dash", "test_mse", false,
            DateTimeOffset.UtcNow, null), [trial]);
        await store.RegisterSiloAsync("127.0.0.1:1@1", "cpu", 1);
        var attempt = (await store.BeginAttemptAsync(trial.TrialId, "127.0.0.1:1@1", TimeSpan.FromMinutes(1)))!.Value;
        await store.WriteEpochsAsync([new EpochReport
        {
            TrialId = trial.TrialId, Attempt = attempt, Epoch = 1, TrainMse = 0.05, TestMse = 0.04, SamplesPerSecond = 1000, WallSeconds = 1,
        }]);
        await store.EndAttemptAsync(trial.TrialId, attempt, TrialStatus.Completed, null);
        return sweepId;
    }

    static string DashboardPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "deploy", "k8s", "base", "grafana", "dashboards", "aegrid-sweeps.json");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("deploy/k8s/base/grafana/dashboards/aegrid-sweeps.json not found above the test folder");
    }
}
