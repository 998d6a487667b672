using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Integration.Tests.Support;
using AeGrid.Silo;
using AeGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AeGrid.Integration.Tests;

/// <summary>A silo emits AeGrid's spans (one per trial attempt) and metrics (epochs, ended trials, busy slots).</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_local_sweep_emits_a_span_per_attempt_and_epoch_metrics()
    {
        var spans = new ConcurrentBag<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AeGridTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(activities);
        var measurements = new ConcurrentBag<(string Instrument, double Value)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AeGridTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
            },
        };
        meters.SetMeasurementEventCallback<long>((i, v, _, _) => measurements.Add((i.Name, v)));
        meters.SetMeasurementEventCallback<int>((i, v, _, _) => measurements.Add((i.Name, v)));
        meters.SetMeasurementEventCallback<double>((i, v, _, _) => measurements.Add((i.Name, v)));
        meters.Start();

        var store = Path.Combine(Path.GetTempPath(), $"aegrid-telemetry-{Guid.NewGuid():N}.db");
        var host = await SiloHostFactory.BuildAsync(new SiloSettings
        {
            Store = store, Local = true, SiloPort = LoopbackPorts.Free(), GatewayPort = LoopbackPorts.Free(),
            Training = new TrainingSiloOptions { Slots = 1, ThreadsPerSlot = 1 },
        }, b => b.SetMinimumLevel(LogLevel.Warning));
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var spec = SweepFiles.Small("telemetry", epochs: 2).Replace("lr: [0.001, 0.005, 0.01]", "lr: [0.01]");
            var id = await grains.GetGrain<ISweepDirectoryGrain>(0).Submit(spec, "telemetry.yaml");
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while ((await grains.GetGrain<ISweepGrain>(id).GetStatus()).Sweep.State == SweepState.Running && DateTime.UtcNow < deadline)
                await Task.Delay(200);

            // The last span ends just after its trial reported the end that completed the sweep.
            for (var waited = 0; spans.Count(s => s.OperationName == "trial attempt") < 2 && waited < 50; waited++) await Task.Delay(100);
            var attempts = spans.Where(s => s.OperationName == "trial attempt").ToList();
            Assert.Equal(2, attempts.Count);
            Assert.All(attempts, s =>
            {
                Assert.Equal("completed", s.GetTagItem("aegrid.status"));
                Assert.StartsWith(id, (string)s.GetTagItem("aegrid.trial_id")!);
            });
            Assert.Equal(4, measurements.Where(m => m.Instrument == "aegrid.epochs").Sum(m => m.Value));
            Assert.Equal(2, measurements.Where(m => m.Instrument == "aegrid.trials.ended").Sum(m => m.Value));
            Assert.Equal(0, measurements.Where(m => m.Instrument == "aegrid.slots.busy").Sum(m => m.Value));
            Assert.Equal(4, measurements.Count(m => m.Instrument == "aegrid.epoch.duration"));
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
            File.Delete(store);
        }
    }
}
