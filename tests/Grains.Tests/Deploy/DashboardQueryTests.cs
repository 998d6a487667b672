using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace AeGrid.Grains.Tests.Deploy;

/// <summary>
/// Every panel query of the Grafana dashboard runs against the real schema, on a store with a sweep in it, and finds
/// something: a schema change that would break or empty a panel fails here instead of on someone's wall screen.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class DashboardQueryTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_panel_query_runs_on_the_real_schema_and_shows_the_seeded_sweep_and_fleet()
    {
        var database = await server.CreateDatabaseAsync($"dashboard_{Guid.NewGuid():N}"[..20]);
        await using var store = PostgresTrialStore.Create(database);
        await store.MigrateAsync();
        await Dashboard.SeedAsync(store, database);
        using var dashboard = Dashboard.Load();

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        foreach (var sql in Dashboard.VariableQueries(dashboard))
            Assert.Contains(await Dashboard.RunAsync(connection, sql), row => row.StartsWith(Dashboard.SeededSweep + "|"));
        var queries = Dashboard.PanelQueries(dashboard, Dashboard.SeededSweep);
        Assert.True(queries.Count >= 12, $"expected the fleet and per-sweep panels, found {queries.Count} queries");
        foreach (var query in queries)
        {
            var rows = await Dashboard.RunAsync(connection, query.Sql);
            output.WriteLine($"{query.Panel}: {rows.Count} rows, e.g. {string.Join(" / ", rows.Take(3))}");
            Assert.True(rows.Count > 0, $"panel '{query.Panel}' found nothing: {query.Sql}");
        }
    }

    [Fact]
    public async Task Leaderboard_and_best_so_far_follow_the_sweeps_metric_and_direction()
    {
        var database = await server.CreateDatabaseAsync($"dashboard_{Guid.NewGuid():N}"[..20]);
        await using var store = PostgresTrialStore.Create(database);
        await store.MigrateAsync();
        await Dashboard.SeedAsync(store, database);
        using var dashboard = Dashboard.Load();
        var panels = Dashboard.PanelQueries(dashboard, Dashboard.SeededSweep);
        var leaderboard = panels.Single(q => q.Panel.StartsWith("Leaderboard")).Sql;
        var bestSoFar = panels.Single(q => q.Panel.StartsWith("Best so far")).Sql;

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        // Minimising test_mse: trial 0 has the lowest. Switch the sweep to maximise train_mse and trial 2 leads.
        Assert.StartsWith($"1|{TrialConfig.MakeId(Dashboard.SeededSweep, 0)}|test_mse|", (await Dashboard.RunAsync(connection, leaderboard))[0]);
        var falling = (await Dashboard.RunAsync(connection, bestSoFar)).Select(r => double.Parse(r.Split('|')[1])).ToList();
        Assert.Equal(falling.OrderByDescending(v => v), falling);
        Assert.Equal(0.045, falling[^1], 1e-9);
        await using (var flip = new NpgsqlCommand($"UPDATE sweeps SET metric = 'train_mse', maximize = true WHERE id = '{Dashboard.SeededSweep}'", connection))
            await flip.ExecuteNonQueryAsync();
        var flipped = await Dashboard.RunAsync(connection, leaderboard);
        var rising = (await Dashboard.RunAsync(connection, bestSoFar)).Select(r => double.Parse(r.Split('|')[1])).ToList();
        Assert.Equal(rising.Order(), rising);
        Assert.Equal(0.12, rising[^1], 1e-9);
        Assert.StartsWith($"1|{TrialConfig.MakeId(Dashboard.SeededSweep, 2)}|train_mse|", flipped[0]);
        Assert.Equal(3, flipped.Count);
    }

    [Fact]
    public void Panels_use_the_datasource_variable_and_the_fleet_panels_count_as_the_autoscaler_does()
    {
        using var dashboard = Dashboard.Load();
        var root = dashboard.RootElement;
        var variable = root.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Single(v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal("datasource", variable.GetProperty("type").GetString());
        Assert.Equal("grafana-postgresql-datasource", variable.GetProperty("query").GetString());

        foreach (var panel in root.GetProperty("panels").EnumerateArray().Where(p => p.TryGetProperty("targets", out _)))
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.All(panel.GetProperty("targets").EnumerateArray(),
                t => Assert.Equal("${datasource}", t.GetProperty("datasource").GetProperty("uid").GetString()));
        }
        var demand = Dashboard.PanelQueries(dashboard, "x").Single(q => q.Panel.StartsWith("Demand by device")).Sql;
        Assert.Contains(FleetQueries.GpuDemand, demand);
        Assert.Contains(FleetQueries.CpuDemand, demand);
    }
}
