using System.CommandLine;
using AeGrid.Client.Cli;
using AeGrid.Grains.Hosting;
using AeGrid.Silo;
using AeGrid.Silo.Security;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid silo`: a trainer silo that joins the cluster in PostgreSQL (the same host as src/Silo).</summary>
internal sealed class SiloCommand : Command, ICommandWithExamples, IStopsAfterSignal
{
    readonly Option<string?> _store = new("--store", "--cluster")
    {
        Description = "PostgreSQL holding the cluster's membership and store (postgres://user@host:port/db; password from " +
                      $"--store-password-file, PGPASSWORD or ~/.pgpass) [default: ${AeGridEnvironment.Cluster}]",
        HelpName = "URL",
    };
    readonly ClusterSecurityOptions _security = new();
    readonly Option<int?> _slots = OptionFactory.WholeNumber("--slots", "Trainings at once [default: one per core on cpu, 1 on cuda]");
    readonly Option<int?> _threads = OptionFactory.WholeNumber("--threads", "Torch threads per training [default: 1]");
    readonly Option<string?> _device = OptionFactory.Choice("--device", "Slot kind [default: cpu]", "cpu", "cuda");
    readonly Option<int?> _siloPort = OptionFactory.WholeNumber("--silo-port", "Silo-to-silo port [default: 11111]");
    readonly Option<int?> _gatewayPort = OptionFactory.WholeNumber("--gateway-port", "Client gateway port [default: 30000]");
    readonly Option<string?> _address = new("--address") { Description = "Address other silos reach this one at [default: 127.0.0.1]", HelpName = "IP" };
    readonly Option<int?> _checkpointEvery = OptionFactory.WholeNumber("--checkpoint-every-batches", "Also checkpoint every N batches [default: each epoch]");
    readonly Option<double?> _grace = OptionFactory.Number("--shutdown-grace", "Seconds a graceful stop may take [default: 30]");
    readonly Option<double?> _lease = OptionFactory.Number("--attempt-lease", "Seconds a trial attempt's claim lasts without renewal [default: 60]");
    readonly Option<double?> _reminder = OptionFactory.Number("--sweep-reminder", "Seconds between sweep keep-alive reminders [default: 60, Orleans' minimum]");
    readonly Option<bool> _fastDetection = new("--fast-failure-detection") { Description = "Declare dead silos within seconds (small clusters, tests)" };
    readonly Option<string?> _otlp = new("--otlp-endpoint") { Description = "Send traces and metrics to this OTLP endpoint [default: $OTEL_EXPORTER_OTLP_ENDPOINT]", HelpName = "URL" };
    readonly Option<bool> _consoleTelemetry = new("--console-telemetry")
    {
        Description = "Also print traces and metrics on stdout [default: $AEGRID_CONSOLE_TELEMETRY=1]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AEGRID_CONSOLE_TELEMETRY") is "1" or "true",
    };
    readonly Option<int?> _healthPort = new("--health-port")
    {
        Description = $"Port of the /healthz and /readyz probes, 0 for none [default: $AEGRID_HEALTH_PORT, else {SiloSettings.DefaultHealthPort}]",
        HelpName = "PORT",
        DefaultValueFactory = _ => int.TryParse(Environment.GetEnvironmentVariable("AEGRID_HEALTH_PORT"), out var port) ? port : null,
    };
    readonly Option<string[]> _dataRoots = new("--data-root")
    {
        Description = "A directory sweeps may name datasets under, besides $AEGRID_DATA, ~/.aegrid/data and /usr/share/datasets (repeatable)",
        HelpName = "DIR",
        AllowMultipleArgumentsPerToken = false,
    };

    public SiloCommand() : base("silo", "Start a silo that joins the cluster and trains trials; SIGTERM stops it gracefully.")
    {
        foreach (var option in new Option[] { _store, _slots, _threads, _device, _siloPort, _gatewayPort, _address, _checkpointEvery,
                     _grace, _lease, _reminder, _fastDetection, _otlp, _consoleTelemetry, _healthPort, _dataRoots })
            Options.Add(option);
        _security.AddTo(this);
        SetAction(CommandAction.Create(RunAsync));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "aegrid silo --store postgres://aegrid@db:5432/aegrid --store-password-file /secrets/pg --tls-cert silo.crt --tls-key silo.key --tls-ca ca.crt",
        "aegrid silo --store postgres://aegrid@localhost:5432/aegrid --slots 2 --threads 1 --insecure   # plain text, one trusted host",
        "aegrid silo --store postgres://aegrid@db/aegrid --silo-port 11112 --gateway-port 30001   # a second silo on one host (TLS from AEGRID_TLS_*)",
    ];

    Task<int> RunAsync(CommandContext context)
    {
        var p = context.ParseResult;
        var store = p.GetValue(_store) ?? AeGridEnvironment.Get(AeGridEnvironment.Cluster);
        if (string.IsNullOrEmpty(store))
            throw CliException.InvalidInput($"--store (or {AeGridEnvironment.Cluster}) must name the cluster's PostgreSQL, e.g. postgres://aegrid@localhost:5432/aegrid");
        var lease = TimeSpan.FromSeconds(Positive(p.GetValue(_lease), 60, "--attempt-lease"));
        var defaults = new SiloSettings { Store = store };
        var settings = defaults with
        {
            SiloPort = p.GetValue(_siloPort) ?? defaults.SiloPort,
            GatewayPort = p.GetValue(_gatewayPort) ?? defaults.GatewayPort,
            AdvertisedAddress = p.GetValue(_address) ?? defaults.AdvertisedAddress,
            ClusterId = _security.ClusterIdOf(p),
            ServiceId = _security.ServiceIdOf(p),
            StorePasswordFile = _security.StorePasswordFileOf(p),
            // Checked (certificates loaded, or refused) below, before anything starts: exit 2 with one line.
            Transport = _security.Transport(p),
            FastFailureDetection = p.GetValue(_fastDetection),
            ShutdownGrace = TimeSpan.FromSeconds(Positive(p.GetValue(_grace), 30, "--shutdown-grace")),
            OtlpEndpoint = p.GetValue(_otlp),
            ConsoleTelemetry = p.GetValue(_consoleTelemetry),
            HealthPort = p.GetValue(_healthPort) is { } health
                ? health >= 0 ? health : throw CliException.InvalidInput($"--health-port must be 0 or a port, got {health}")
                : SiloSettings.DefaultHealthPort,
            DataRoots = [.. (p.GetValue(_dataRoots) ?? []).Select(Path.GetFullPath)],
            Training = new TrainingSiloOptions
            {
                Slots = p.GetValue(_slots) ?? 0,
                ThreadsPerSlot = p.GetValue(_threads),
                DeviceKind = p.GetValue(_device) ?? "cpu",
                CheckpointEveryBatches = p.GetValue(_checkpointEvery),
                AttemptLease = lease,
                LeaseRenewInterval = lease / 6,
                SweepReminderPeriod = TimeSpan.FromSeconds(Positive(p.GetValue(_reminder), 60, "--sweep-reminder")),
            },
        };
        if (SiloSettingsCheck.Problem(settings) is { } problem) throw CliException.InvalidInput(problem);
        return SiloRunner.RunAsync(settings, context.Cancel);
    }

    /// <summary>
    /// The drain's grace, plus the host's own margin (SiloHostFactory: grace + 5 s) and some: the process must outlive the
    /// graceful stop, or the trials' hand-off checkpoints are cut off (it used to end at 15 s, exit 143).
    /// </summary>
    public TimeSpan StopTimeout(ParseResult parseResult) =>
        TimeSpan.FromSeconds((parseResult.GetValue(_grace) is { } grace and > 0 ? grace : 30) + 15);

    static double Positive(double? value, double fallback, string option) =>
        value is null ? fallback : value > 0 ? value.Value : throw CliException.InvalidInput($"{option} must be positive, got {value}");
}
