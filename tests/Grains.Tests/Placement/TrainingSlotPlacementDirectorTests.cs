using System.Net;
using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using AeGrid.Grains.Store;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace AeGrid.Grains.Tests.Placement;

/// <summary>The placement director against a real (SQLite) slot ledger: free slots, device kinds, bursts, failed silos.</summary>
public sealed class TrainingSlotPlacementDirectorTests : IAsyncLifetime
{
    readonly string _path = Path.Combine(Path.GetTempPath(), $"aegrid-placement-{Guid.NewGuid():N}.db");
    SqliteTrialStore _store = null!;
    static readonly SiloAddress A = Silo(1), B = Silo(2), Gpu = Silo(3);

    public async Task InitializeAsync()
    {
        _store = new SqliteTrialStore(_path);
        await _store.MigrateAsync();
        await _store.RegisterSiloAsync(A.ToParsableString(), "cpu", 2);
        await _store.RegisterSiloAsync(B.ToParsableString(), "cpu", 2);
        await _store.RegisterSiloAsync(Gpu.ToParsableString(), "cuda", 1);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        File.Delete(_path);
    }

    static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), 1);

    sealed class Context(params SiloAddress[] silos) : IPlacementContext
    {
        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => silos;
        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) =>
            new Dictionary<ushort, SiloAddress[]> { [0] = silos };
        public SiloAddress LocalSilo => silos[0];
        public SiloStatus LocalSiloStatus => SiloStatus.Active;
    }

    static PlacementTarget Target(string? kind = null, string? avoid = null, string? pack = null)
    {
        var data = new Dictionary<string, object>();
        if (kind is not null) data[TrainingSlotPlacement.DeviceKindKey] = kind;
        if (avoid is not null) data[TrainingSlotPlacement.AvoidSiloKey] = avoid;
        if (pack is not null) data[TrainingSlotPlacement.PackKey] = pack;
        return new PlacementTarget(GrainId.Create("trial", Guid.NewGuid().ToString()), data, default, 0);
    }

    async Task OccupyAsync(SiloAddress silo, int trials)
    {
        for (int i = 0; i < trials; i++)
        {
            var sweep = $"busy{Guid.NewGuid():N}"[..12];
            var trial = new TrialConfig(TrialConfig.MakeId(sweep, 0), sweep, 0, new Hyperparameters { Architecture = "linear" });
            await _store.CreateSweepAsync(new SweepRecord(sweep, sweep, SweepState.Running, "", "test_mse", false, DateTimeOffset.UtcNow, null), [trial]);
            Assert.NotNull(await _store.BeginAttemptAsync(trial.TrialId, silo.ToParsableString(), TimeSpan.FromMinutes(5)));
        }
    }

    [Fact]
    public async Task Picks_the_silo_with_the_most_free_slots_of_the_wanted_kind()
    {
        await OccupyAsync(A, 1);
        var director = new TrainingSlotPlacementDirector(_store);
        Assert.Equal(B, await director.OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu"), new Context(A, B, Gpu)));
        Assert.Equal(Gpu, await new TrainingSlotPlacementDirector(_store)
            .OnAddActivation(TrainingSlotPlacement.Instance, Target("cuda"), new Context(A, B, Gpu)));
    }

    [Fact]
    public async Task A_burst_of_placements_spreads_over_the_free_slots_before_the_ledger_is_read_again()
    {
        var director = new TrainingSlotPlacementDirector(_store);
        var placed = new List<SiloAddress>();
        for (int i = 0; i < 4; i++)
            placed.Add(await director.OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu"), new Context(A, B, Gpu)));
        Assert.Equal(2, placed.Count(s => s.Equals(A)));
        Assert.Equal(2, placed.Count(s => s.Equals(B)));
    }

    [Fact]
    public async Task Every_member_of_a_pack_goes_where_its_first_member_went()
    {
        var director = new TrainingSlotPlacementDirector(_store);
        var first = await director.OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu", pack: "p1"), new Context(A, B));
        // Without the pack, a burst spreads over both silos; its members all follow the first, whatever the free slots say.
        for (int i = 0; i < 5; i++)
            Assert.Equal(first, await director.OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu", pack: "p1"), new Context(A, B)));
        // Another pack is placed on its own merits: the silo the first pack did not take has more free slots now.
        var second = await director.OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu", pack: "p2"), new Context(A, B));
        Assert.NotEqual(first, second);
        // A pack whose silo left the compatible set is placed afresh.
        Assert.Equal(second, await director.OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu", pack: "p1"), new Context(second)));
    }

    [Fact]
    public async Task The_silo_where_an_attempt_failed_is_avoided_unless_only_it_has_room()
    {
        var director = new TrainingSlotPlacementDirector(_store);
        Assert.Equal(B, await director.OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu", A.ToParsableString()), new Context(A, B)));

        await OccupyAsync(B, 2);
        Assert.Equal(A, await new TrainingSlotPlacementDirector(_store)
            .OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu", A.ToParsableString()), new Context(A, B)));
    }

    [Fact]
    public async Task Silos_that_registered_no_slots_are_chosen_only_when_nothing_else_is_compatible()
    {
        var lonely = Silo(9);
        for (int i = 0; i < 5; i++)
            Assert.Equal(A, await new TrainingSlotPlacementDirector(_store)
                .OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu"), new Context(lonely, A)));
        Assert.Equal(lonely, await new TrainingSlotPlacementDirector(_store)
            .OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu"), new Context(lonely)));
    }

    [Fact]
    public async Task An_any_trial_takes_a_free_gpu_slot_before_a_cpu_silo_with_more_free_slots()
    {
        var director = new TrainingSlotPlacementDirector(_store);
        Assert.Equal(Gpu, await director.OnAddActivation(TrainingSlotPlacement.Instance, Target("any"), new Context(A, B, Gpu)));
        // No demand in the request context means any, too; once the GPU slot is taken the CPU silos get the rest.
        Assert.Equal(Gpu, await new TrainingSlotPlacementDirector(_store)
            .OnAddActivation(TrainingSlotPlacement.Instance, Target(), new Context(A, B, Gpu)));
        await OccupyAsync(Gpu, 1);
        Assert.NotEqual(Gpu, await new TrainingSlotPlacementDirector(_store)
            .OnAddActivation(TrainingSlotPlacement.Instance, Target("any"), new Context(A, B, Gpu)));
    }

    [Fact]
    public async Task A_strict_trial_never_lands_on_a_silo_of_the_other_kind_even_when_its_own_kind_is_full()
    {
        await OccupyAsync(Gpu, 1);
        for (int i = 0; i < 5; i++)
            Assert.Equal(Gpu, await new TrainingSlotPlacementDirector(_store)
                .OnAddActivation(TrainingSlotPlacement.Instance, Target("cuda"), new Context(A, B, Gpu)));
        var refusal = await Assert.ThrowsAsync<OrleansException>(() => new TrainingSlotPlacementDirector(_store)
            .OnAddActivation(TrainingSlotPlacement.Instance, Target("cuda"), new Context(A, B)));
        Assert.Contains("cuda", refusal.Message);
        Assert.Equal(Gpu, await new TrainingSlotPlacementDirector(_store)
            .OnAddActivation(TrainingSlotPlacement.Instance, Target("cuda"), new Context(A, B, Gpu)));
        await Assert.ThrowsAsync<OrleansException>(() => new TrainingSlotPlacementDirector(_store)
            .OnAddActivation(TrainingSlotPlacement.Instance, Target("cpu"), new Context(Gpu)));
    }

    [Fact]
    public async Task Free_slots_for_admission_count_only_live_silos_of_the_kinds_a_demand_accepts()
    {
        await OccupyAsync(A, 1);
        var ledger = await _store.GetSlotLedgerAsync();
        var live = new HashSet<string> { A.ToParsableString(), B.ToParsableString(), Gpu.ToParsableString() };
        Assert.Equal(1, SlotMatching.FreeSlots(ledger, live, DeviceDemand.Cuda));
        Assert.Equal(3, SlotMatching.FreeSlots(ledger, live, DeviceDemand.Cpu));
        Assert.Equal(4, SlotMatching.FreeSlots(ledger, live, DeviceDemand.Any));
        live.Remove(Gpu.ToParsableString());
        Assert.Equal(0, SlotMatching.FreeSlots(ledger, live, DeviceDemand.Cuda));
    }
}
