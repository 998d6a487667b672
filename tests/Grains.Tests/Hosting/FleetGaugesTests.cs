using System.Diagnostics.Metrics;
using AeGrid.Grains.Hosting;
using AeGrid.Grains.Store;
using AeGrid.Grains.Tests.Deploy;
using AeGrid.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace AeGrid.Grains.Tests.Hosting;

/// <summary>The fleet gauges, read by a MeterListener as an exporter would, from a real PostgreSQL store.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class FleetGaugesTests(PostgresServer server)
{
    sealed class Meters : IMeterFactory
    {
        public List<Meter> Created { get; } = new();
        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            Created.Add(meter);
            return meter;
        }
        public void Dispose() => Created.ForEach(m => m.Dispose());
    }

    [Fact]
    public async Task Demand_pending_and_live_slots_are_reported_by_device()
    {
        var database = await server.CreateDatabaseAsync($"gauges_{Guid.NewGuid():N}"[..20]);
        await using var store = PostgresTrialStore.Create(database);
        await store.MigrateAsync();
        await FleetSeed.SeedAsync(store, database);

        using var meters = new Meters();
        using var gauges = new FleetGauges(new FleetQueries(store.DataSource), meters, NullLogger<FleetGauges>.Instance);
        var seen = new List<(string Instrument, string Device, long Value)>();
        using var listener = new MeterListener
        {
            // Only this test's meter: other tests' silos in this process have their own.
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AeGridTelemetry.MeterName && meters.Created.Contains(instrument.Meter))
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, (string)tags.ToArray().Single(t => t.Key == "device").Value!, value)));
        listener.Start();
        listener.RecordObservableInstruments();

        Dictionary<string, long> Of(string instrument) => seen.Where(s => s.Instrument == instrument).ToDictionary(s => s.Device, s => s.Value);
        Assert.Equal(new Dictionary<string, long> { ["cpu"] = FleetSeed.CpuDemand, ["cuda"] = FleetSeed.GpuDemand }, Of("aegrid.trials.demand"));
        Assert.Equal(FleetSeed.Pending, Of("aegrid.trials.pending"));
        Assert.Equal(FleetSeed.LiveSlots, Of("aegrid.slots.total"));
    }
}
