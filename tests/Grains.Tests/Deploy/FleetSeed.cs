using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using AeGrid.Grains.Store;
using Npgsql;

namespace AeGrid.Grains.Tests.Deploy;

/// <summary>
/// A store holding sweeps of every device in every state, trials in every status, and silos of both kinds, one of them
/// dead in membership: the counts the autoscaler and the fleet gauges must get right, and the ways to get them wrong.
/// </summary>
internal static class FleetSeed
{
    /// <summary>Unfinished trials of running sweeps that need a GPU pod: the running cuda sweep's 2 pending and 1 running.</summary>
    public const long GpuDemand = 3;
    /// <summary>Same for CPU pods, in slots: the cpu sweep's 1 pending, the any sweep's 2 pending and 1 running, and the fused
    /// cpu sweep's 3 pending and 2 running, packed 4 to a slot: 2 slots.</summary>
    public const long CpuDemand = 6;
    public static readonly IReadOnlyDictionary<string, long> Pending = new Dictionary<string, long> { ["cuda"] = 2, ["cpu"] = 4, ["any"] = 2 };
    /// <summary>The dead cpu silo's 4 slots do not count.</summary>
    public static readonly IReadOnlyDictionary<string, long> LiveSlots = new Dictionary<string, long> { ["cuda"] = 1, ["cpu"] = 2 };

    public static async Task SeedAsync(ITrialStore store, string connectionString)
    {
        await SweepAsync(store, "gpu", DeviceDemand.Cuda, SweepState.Running,
            TrialStatus.Pending, TrialStatus.Pending, TrialStatus.Running, TrialStatus.Completed);
        await SweepAsync(store, "cpu", DeviceDemand.Cpu, SweepState.Running, TrialStatus.Pending, TrialStatus.Failed);
        await SweepAsync(store, "fused", DeviceDemand.Cpu, SweepState.Running, fuse: 4,
            TrialStatus.Pending, TrialStatus.Pending, TrialStatus.Pending, TrialStatus.Running, TrialStatus.Running, TrialStatus.Completed);
        await SweepAsync(store, "any", DeviceDemand.Any, SweepState.Running,
            TrialStatus.Pending, TrialStatus.Pending, TrialStatus.Running, TrialStatus.Cancelled);
        // Finished sweeps may keep unfinished rows (a cancel racing a hand-off); they are no demand.
        await SweepAsync(store, "old-gpu", DeviceDemand.Cuda, SweepState.Completed, TrialStatus.Pending, TrialStatus.Running);
        await SweepAsync(store, "old-cpu", DeviceDemand.Cpu, SweepState.Cancelled, TrialStatus.Pending);

        await store.RegisterSiloAsync("10.0.0.1:11111@1", "cuda", 1);
        await store.RegisterSiloAsync("10.0.0.2:11111@2", "cpu", 2);
        await store.RegisterSiloAsync("10.0.0.3:11111@3", "cpu", 4);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var members = new NpgsqlCommand("""
            INSERT INTO orleansmembershipversiontable (deploymentid) VALUES ('aegrid') ON CONFLICT DO NOTHING;
            INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, starttime, iamalivetime)
            VALUES ('aegrid', '10.0.0.1', 11111, 1, 'gpu', 'gpu', 3, now(), now()),
                   ('aegrid', '10.0.0.2', 11111, 2, 'cpu', 'cpu', 3, now(), now()),
                   ('aegrid', '10.0.0.3', 11111, 3, 'dead', 'dead', 6, now(), now());
            """, connection);
        await members.ExecuteNonQueryAsync();
    }

    static Task SweepAsync(ITrialStore store, string name, DeviceDemand device, SweepState state, params TrialStatus[] statuses) =>
        SweepAsync(store, name, device, state, fuse: 1, statuses);

    static async Task SweepAsync(ITrialStore store, string name, DeviceDemand device, SweepState state, int fuse, params TrialStatus[] statuses)
    {
        var id = $"fleet-{name}";
        var trials = statuses.Select((_, n) => new TrialConfig(TrialConfig.MakeId(id, n), id, n,
            new Hyperparameters { Architecture = "linear", Epochs = 2, LearningRate = 0.001 * (n + 1), BatchSize = 20 + n })).ToArray();
        await store.CreateSweepAsync(new SweepRecord(id, name, SweepState.Running, $"name: {name}", "test_mse", false,
            DateTimeOffset.UtcNow, null, device, Fuse: fuse), trials);
        for (var n = 0; n < statuses.Length; n++)
            if (statuses[n] != TrialStatus.Pending) await store.SetTrialStatusAsync(trials[n].TrialId, statuses[n], null);
        if (state != SweepState.Running) await store.SetSweepStateAsync(id, state);
    }
}
