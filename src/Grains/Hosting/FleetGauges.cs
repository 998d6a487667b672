using System.Diagnostics.Metrics;
using AeGrid.Grains.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Hosting;

/// <summary>
/// The fleet's queue and capacity as OpenTelemetry gauges, read from the store (<see cref="FleetQueries"/>) when an
/// exporter collects: aegrid.trials.demand and aegrid.trials.pending by device, aegrid.slots.total by device kind. They
/// describe the whole cluster, so every silo reports the same values: aggregate with max, not sum. One reading serves
/// all three gauges of a collection (and any collection within <see cref="CacheFor"/>).
/// </summary>
public sealed partial class FleetGauges : IHostedService, IDisposable
{
    static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    readonly FleetQueries _queries;
    readonly ILogger<FleetGauges> _logger;
    readonly Meter _meter;
    readonly Lock _lock = new();
    FleetCounts? _counts;
    DateTime _readAt = DateTime.MinValue;

    public FleetGauges(FleetQueries queries, IMeterFactory meters, ILogger<FleetGauges> logger)
    {
        _queries = queries;
        _logger = logger;
        _meter = meters.Create(AeGridTelemetry.MeterName);
        _meter.CreateObservableGauge("aegrid.trials.demand", () => Observe(c => c.Demand), unit: "{slot}",
            description: "Slots the pending and running trials of running sweeps need (fuse: K packs K a slot), by the pods that serve them (cpu: cpu and any trials; cuda: cuda trials)");
        _meter.CreateObservableGauge("aegrid.trials.pending", () => Observe(c => c.Pending), unit: "{trial}",
            description: "Pending trials of running sweeps by the device they asked for (cpu, cuda, any)");
        _meter.CreateObservableGauge("aegrid.slots.total", () => Observe(c => c.Slots), unit: "{slot}",
            description: "Training slots of silos active in membership, by device kind");
    }

    IEnumerable<Measurement<long>> Observe(Func<FleetCounts, IReadOnlyDictionary<string, long>> pick)
    {
        var counts = Read();
        if (counts is null) return [];
        return pick(counts).Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("device", kv.Key)));
    }

    FleetCounts? Read()
    {
        lock (_lock)
        {
            if (DateTime.UtcNow - _readAt < CacheFor) return _counts;
            _readAt = DateTime.UtcNow;
            try
            {
                _counts = _queries.Read(QueryTimeout);
            }
            catch (Exception e)
            {
                // A gauge with no value is honest about a store it cannot read; the exporter must not fail for it.
                _counts = null;
                LogReadFailed(e);
            }
            return _counts;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public void Dispose() => _meter.Dispose();

    [LoggerMessage(LogLevel.Warning, "Could not read the fleet's queue and slots for the aegrid.trials/slots gauges")]
    partial void LogReadFailed(Exception e);
}
