using System.CommandLine;
using AeGrid.Client.Grid;
using AeGrid.Grains.Hosting;
using AeGrid.Silo;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid silo`: start a trainer silo that joins the cluster in PostgreSQL (the same host as src/Silo).</summary>
public static class SiloCommand
{
    public static Command Create()
    {
        var store = new Option<string?>("--store", "--cluster")
        {
            Description = "PostgreSQL holding the cluster's membership and store (postgres://user:pass@host:port/db); default $AEGRID_CLUSTER.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AEGRID_CLUSTER"),
        };
        var slots = new Option<int>("--slots") { Description = "Trainings at once (default: one per GPU, else 1)." };
        var threads = new Option<int?>("--threads") { Description = "Torch threads per training." };
        var device = new Option<string>("--device") { Description = "Slot kind: cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var siloPort = new Option<int>("--silo-port") { Description = "Silo-to-silo port.", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Client gateway port.", DefaultValueFactory = _ => 30000 };
        var address = new Option<string>("--address") { Description = "Address other silos reach this one at.", DefaultValueFactory = _ => "127.0.0.1" };
        var checkpointEvery = new Option<int?>("--checkpoint-every-batches") { Description = "Also checkpoint every N batches (default: each epoch)." };
        var grace = new Option<double>("--shutdown-grace") { Description = "Seconds a graceful stop may take.", DefaultValueFactory = _ => 30 };
        var fastDetection = new Option<bool>("--fast-failure-detection") { Description = "Declare dead silos within seconds (small clusters, tests)." };
        var lease = new Option<double>("--attempt-lease") { Description = "Seconds a trial attempt's claim lasts without renewal.", DefaultValueFactory = _ => 60 };
        var reminder = new Option<double>("--sweep-reminder") { Description = "Seconds between sweep keep-alive reminders (Orleans minimum: 60).", DefaultValueFactory = _ => 60 };
        var otlp = new Option<string?>("--otlp-endpoint") { Description = "Send traces and metrics to this OTLP endpoint." };
        var command = new Command("silo", "Start a silo that joins the cluster and trains trials.\nExample: aegrid silo --store postgres://aegrid@localhost/aegrid --slots 2")
        {
            store, slots, threads, device, siloPort, gatewayPort, address, checkpointEvery, grace, fastDetection, lease, reminder, otlp,
        };
        command.SetAction((parse, ct) =>
        {
            var storeValue = parse.GetValue(store);
            if (string.IsNullOrEmpty(storeValue))
            {
                Console.Error.WriteLine("aegrid silo: --store (or AEGRID_CLUSTER) must name the cluster's PostgreSQL, e.g. postgres://aegrid@localhost:5432/aegrid");
                return Task.FromResult(2);
            }
            var settings = new SiloSettings
            {
                Store = storeValue,
                SiloPort = parse.GetValue(siloPort),
                GatewayPort = parse.GetValue(gatewayPort),
                AdvertisedAddress = parse.GetValue(address)!,
                FastFailureDetection = parse.GetValue(fastDetection),
                ShutdownGrace = TimeSpan.FromSeconds(parse.GetValue(grace)),
                OtlpEndpoint = parse.GetValue(otlp),
                Training = new TrainingSiloOptions
                {
                    Slots = parse.GetValue(slots),
                    ThreadsPerSlot = parse.GetValue(threads),
                    DeviceKind = parse.GetValue(device)!,
                    CheckpointEveryBatches = parse.GetValue(checkpointEvery),
                    AttemptLease = TimeSpan.FromSeconds(parse.GetValue(lease)),
                    LeaseRenewInterval = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(lease) / 6)),
                    SweepReminderPeriod = TimeSpan.FromSeconds(parse.GetValue(reminder)),
                },
            };
            return SiloRunner.RunAsync(settings, ct);
        });
        return command;
    }
}
