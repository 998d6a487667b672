using System.Text.Json;
using System.Text.RegularExpressions;
using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using Npgsql;

namespace AeGrid.Grains.Tests.Deploy;

/// <summary>
/// The Grafana dashboard (deploy/k8s/base/grafana/dashboards/aegrid-sweeps.json) as the tests use it: every panel's SQL
/// with Grafana's variables and macros expanded as Grafana would, and a store seeded so every panel has something to show.
/// </summary>
internal static partial class Dashboard
{
    public const string RelativePath = "deploy/k8s/base/grafana/dashboards/aegrid-sweeps.json";
    public const string SeededSweep = "dash-000001";
    public const string LiveSilo = "127.0.0.1:11111@1";

    public sealed record Query(string Panel, string Sql);

    public static JsonDocument Load() =>
        JsonDocument.Parse(File.ReadAllText(KedaQueryTests.RepoFile(RelativePath)
            ?? throw new FileNotFoundException($"{RelativePath} is missing")));

    /// <summary>Every target of every panel (rows have none), expanded for <paramref name="sweepId"/>.</summary>
    public static IReadOnlyList<Query> PanelQueries(JsonDocument dashboard, string sweepId) =>
        dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()
                .Select(t => new Query(p.GetProperty("title").GetString()!, Expand(t.GetProperty("rawSql").GetString()!, sweepId))))
            .ToList();

    /// <summary>The SQL of the template variables that run a query.</summary>
    public static IReadOnlyList<string> VariableQueries(JsonDocument dashboard) =>
        dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(v => v.GetProperty("type").GetString() == "query")
            .Select(v => v.GetProperty("query").GetString()!)
            .ToList();

    /// <summary>Grafana's variables and macros as Grafana expands them for PostgreSQL.</summary>
    public static string Expand(string sql, string sweepId) =>
        TimeFilter().Replace(sql.Replace("$sweep", sweepId).Replace("$top", "5"),
            m => $"{m.Groups[1].Value} BETWEEN now() - interval '1 day' AND now() + interval '1 day'");

    [GeneratedRegex(@"\$__timeFilter\(([^)]+)\)")]
    private static partial Regex TimeFilter();

    public static async Task<List<string>> RunAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i))));
        return rows;
    }

    /// <summary>
    /// A running sweep of four trials with every plotted hyperparameter set: three completed after two epochs each (one
    /// retried after a hand-off, then exploited by pbt at epoch 1 from trial 0's snapshot), one still pending; and a cuda silo that membership holds Active, so the fleet panels have slots to show.
    /// </summary>
    public static async Task SeedAsync(ITrialStore store, string connectionString)
    {
        var trials = Enumerable.Range(0, 4).Select(n => new TrialConfig(TrialConfig.MakeId(SeededSweep, n), SeededSweep, n, new Hyperparameters
        {
            Architecture = "denoise-mlp", Epochs = 2, LearningRate = 0.001 * (n + 1), BatchSize = 20 * (n + 1), NoiseFactor = 0.1 * (n + 1),
            EncodingDim = 16 * (n + 1),
        })).ToArray();
        await store.CreateSweepAsync(new SweepRecord(SeededSweep, "dash", SweepState.Running, "name: dash", "test_mse", false,
            DateTimeOffset.UtcNow, null, Grains.Placement.DeviceDemand.Cuda), trials);
        await store.RegisterSiloAsync(LiveSilo, "cuda", 2);
        foreach (var trial in trials.SkipLast(1))
        {
            var attempt = (await store.BeginAttemptAsync(trial.TrialId, LiveSilo, TimeSpan.FromMinutes(1)))!.Value;
            if (trial.Number == 1)
            {
                await store.EndAttemptAsync(trial.TrialId, attempt, TrialStatus.Pending, "handed off");
                attempt = (await store.BeginAttemptAsync(trial.TrialId, LiveSilo, TimeSpan.FromMinutes(1)))!.Value;
                // A pbt exploit at epoch 1 (trial 0 stored its snapshot there): the lineage panel's row.
                await store.ExploitAsync(new ExploitRequest(trial.TrialId, attempt, trials[0].TrialId, 1,
                    trial.Parameters with { LearningRate = 0.0024 }, new EpochReport
                    {
                        TrialId = trial.TrialId, Attempt = attempt, Epoch = 1, TrainMse = 0.11, TestMse = 0.1, SamplesPerSecond = 1000, WallSeconds = 1,
                    }));
                attempt = (await store.BeginAttemptAsync(trial.TrialId, LiveSilo, TimeSpan.FromMinutes(1)))!.Value;
            }
            await store.WriteEpochsAsync([.. Enumerable.Range(1, 2).Select(epoch => new EpochReport
            {
                TrialId = trial.TrialId, Attempt = attempt, Epoch = epoch, TrainMse = 0.1 / epoch + trial.Number * 0.01,
                TestMse = 0.09 / epoch + trial.Number * 0.01, SamplesPerSecond = 1000, WallSeconds = 1,
            })]);
            if (trial.Number == 0) await store.SaveSnapshotAsync(new StoredCheckpoint(trial.TrialId, attempt, 1, 0, [1, 2, 3]));
            await store.EndAttemptAsync(trial.TrialId, attempt, TrialStatus.Completed, null);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var members = new NpgsqlCommand("""
            INSERT INTO orleansmembershipversiontable (deploymentid) VALUES ('aegrid') ON CONFLICT DO NOTHING;
            INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, starttime, iamalivetime)
            VALUES ('aegrid', '127.0.0.1', 11111, 1, 'gpu', 'gpu', 3, now(), now());
            """, connection);
        await members.ExecuteNonQueryAsync();
    }
}
