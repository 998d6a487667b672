using System.Text.RegularExpressions;
using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace AeGrid.Grains.Tests.Deploy;

/// <summary>
/// The autoscaler's two queries (KEDA postgresql triggers) count, per device, exactly the trials that need a pod, on a real
/// PostgreSQL holding sweeps of mixed devices and states. The queries are read from the ScaledObjects when the repository
/// has them (deploy/k8s/components/keda/scaledobjects.yaml), so a manifest that drifts from the schema fails here; until
/// then from <see cref="FleetQueries"/>, which states the same contract.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed partial class KedaQueryTests(PostgresServer server)
{
    const string ScaledObjects = "deploy/k8s/components/keda/scaledobjects.yaml";

    [Fact]
    public async Task The_gpu_and_cpu_queries_count_unfinished_trials_of_running_sweeps_by_device()
    {
        var (gpuQuery, cpuQuery) = Queries();
        var database = await server.CreateDatabaseAsync($"keda_{Guid.NewGuid():N}"[..20]);
        await using var store = PostgresTrialStore.Create(database);
        await store.MigrateAsync();
        await FleetSeed.SeedAsync(store, database);

        Assert.Equal(FleetSeed.GpuDemand, await CountAsync(database, gpuQuery));
        Assert.Equal(FleetSeed.CpuDemand, await CountAsync(database, cpuQuery));
    }

    /// <summary>The manifest's queries when it exists (both must be there), else this repository's own.</summary>
    static (string Gpu, string Cpu) Queries()
    {
        var path = RepoFile(ScaledObjects);
        // Once the Kubernetes layout (deploy/k8s/components) is in the repository, its ScaledObjects must be too.
        Assert.False(path is null && Directory.Exists(Path.Combine(RepoRoot(), "deploy", "k8s", "components")),
            $"deploy/k8s/components exists but {ScaledObjects} does not: the autoscaler's queries are untested");
        if (path is null) return (FleetQueries.GpuDemand, FleetQueries.CpuDemand);

        var queries = PostgresqlTriggerQueries(File.ReadAllText(path)).Select(Normalise).ToList();
        Assert.True(queries.Count >= 2, $"{ScaledObjects}: expected postgresql triggers for the GPU and CPU queries, found {queries.Count}");
        Assert.Contains(Normalise(FleetQueries.GpuDemand), queries);
        Assert.Contains(Normalise(FleetQueries.CpuDemand), queries);
        return (queries.Single(q => q == Normalise(FleetQueries.GpuDemand)), queries.Single(q => q == Normalise(FleetQueries.CpuDemand)));
    }

    /// <summary>metadata.query of every trigger of type postgresql, in every YAML document of the file.</summary>
    static IEnumerable<string> PostgresqlTriggerQueries(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.SelectMany(d => Triggers(d.RootNode))
            .Where(t => Scalar(t, "type") == "postgresql")
            .Select(t => t.Children.TryGetValue(new YamlScalarNode("metadata"), out var m) && m is YamlMappingNode meta ? Scalar(meta, "query") : null)
            .OfType<string>();
    }

    /// <summary>Every mapping under a "triggers" key anywhere in the document (ScaledObject.spec.triggers).</summary>
    static IEnumerable<YamlMappingNode> Triggers(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.SelectMany(kv =>
            kv.Key is YamlScalarNode { Value: "triggers" } && kv.Value is YamlSequenceNode list
                ? list.Children.OfType<YamlMappingNode>()
                : Triggers(kv.Value)),
        YamlSequenceNode list => list.Children.SelectMany(Triggers),
        _ => [],
    };

    static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    static string Normalise(string sql) => Whitespace().Replace(sql, " ").Trim().TrimEnd(';');

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    static async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A file of the repository; null when the repository has none.</summary>
    internal static string? RepoFile(string relative)
    {
        var path = Path.Combine(RepoRoot(), relative);
        return File.Exists(path) ? path : null;
    }

    /// <summary>The folder holding AeGrid.sln, above the test's folder.</summary>
    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AeGrid.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("AeGrid.sln not found above the test folder");
    }
}
