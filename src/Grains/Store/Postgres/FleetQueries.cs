using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>
/// The fleet's queue and capacity as SQL over the PostgreSQL store: what the autoscaler (KEDA's postgresql trigger,
/// deploy/k8s/components/keda/scaledobjects.yaml), the fleet gauges and the Grafana fleet panels count. The two demand
/// queries are a contract with those ScaledObjects, word for word: they count slots, not trials. A trial counts while
/// its sweep runs and it is pending or running, and a sweep with `fuse: K` (sweeps.fuse) needs ceil(its trials / K)
/// slots, since it trains up to K of them in one; `cuda` trials need GPU pods, `cpu` and `any` trials are served by CPU
/// pods (an `any` trial also takes a GPU slot when one is free, but must never make the cluster buy a GPU).
/// </summary>
public sealed class FleetQueries(NpgsqlDataSource dataSource)
{
    // The demand queries differ only in the device condition: one shape, so they cannot drift apart.
    const string DemandBefore =
        "SELECT CAST(coalesce(sum(ceil(d.trials::numeric / d.fuse)), 0) AS bigint) AS count FROM (SELECT s.id, s.fuse, count(*) AS trials FROM trials t JOIN sweeps s ON s.id = t.sweep_id WHERE s.state = 'running' AND t.status IN ('pending', 'running') AND ";
    const string DemandAfter = " GROUP BY s.id, s.fuse) d";

    public const string GpuDemand = DemandBefore + "t.device = 'cuda'" + DemandAfter;

    public const string CpuDemand = DemandBefore + "t.device IN ('cpu', 'any')" + DemandAfter;

    /// <summary>Pending trials of running sweeps by their own device value (cpu, cuda, any).</summary>
    public const string PendingByDevice = """
        SELECT t.device, count(*) FROM trials t JOIN sweeps s ON s.id = t.sweep_id
        WHERE s.state = 'running' AND t.status = 'pending' GROUP BY t.device
        """;

    /// <summary>
    /// Registered slots by kind, of silos Orleans' membership holds Active (status 3): a silo that died without taking its
    /// slots out of the ledger is not capacity. The ledger names a silo as Orleans' parsable address, ip:port@generation.
    /// </summary>
    public const string LiveSlotsByDevice = """
        SELECT s.device_kind, sum(s.slots)::bigint FROM silos s
        JOIN orleansmembershiptable m ON s.silo = m.address || ':' || m.port || '@' || m.generation
        WHERE m.status = 3 GROUP BY s.device_kind
        """;

    /// <summary>Reads every count in one round trip. Synchronous: observable gauges are read from a synchronous callback.</summary>
    public FleetCounts Read(TimeSpan timeout)
    {
        using var connection = dataSource.OpenConnection();
        using var batch = new NpgsqlBatch(connection)
        {
            Timeout = (int)Math.Ceiling(timeout.TotalSeconds),
            BatchCommands =
            {
                new NpgsqlBatchCommand(GpuDemand), new NpgsqlBatchCommand(CpuDemand),
                new NpgsqlBatchCommand(PendingByDevice), new NpgsqlBatchCommand(LiveSlotsByDevice),
            },
        };
        using var reader = batch.ExecuteReader();
        reader.Read();
        var gpu = reader.GetInt64(0);
        reader.NextResult();
        reader.Read();
        var cpu = reader.GetInt64(0);
        reader.NextResult();
        var pending = ReadPairs(reader);
        reader.NextResult();
        var slots = ReadPairs(reader);
        return new FleetCounts(new Dictionary<string, long> { ["cpu"] = cpu, ["cuda"] = gpu }, pending, slots);
    }

    static Dictionary<string, long> ReadPairs(NpgsqlDataReader reader)
    {
        var pairs = new Dictionary<string, long>();
        while (reader.Read()) pairs[reader.GetString(0)] = reader.GetInt64(1);
        return pairs;
    }
}

/// <summary>One reading of <see cref="FleetQueries"/>: counts by device label.</summary>
public sealed record FleetCounts(
    IReadOnlyDictionary<string, long> Demand, IReadOnlyDictionary<string, long> Pending, IReadOnlyDictionary<string, long> Slots);
