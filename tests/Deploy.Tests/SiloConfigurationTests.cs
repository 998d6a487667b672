using System.Diagnostics;
using AeGrid.Silo;
using Microsoft.Extensions.Configuration;

namespace AeGrid.Deploy.Tests;

/// <summary>The silo executable's configuration: every documented key in each spelling, and bad values in one line.</summary>
public sealed class SiloConfigurationTests
{
    private static SiloSettings Bind(params (string Key, string Value)[] values) =>
        SiloConfiguration.Bind(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    /// <summary>The settings with the training options spelt out (a class, compared by reference in the record).</summary>
    private static string Described(SiloSettings s)
    {
        var t = s.Training;
        return $"{s with { Training = null!, DataRoots = [] }} {t.Slots} {t.ThreadsPerSlot} {t.DeviceKind} {t.CheckpointEveryBatches}";
    }

    private static readonly (string Key, string Value)[] Everything =
    [
        ("STORE", "postgres://aegrid@db:5432/aegrid"), ("SILO_PORT", "11112"), ("GATEWAY_PORT", "30001"),
        ("ADVERTISED_ADDRESS", "10.0.0.7"), ("CLUSTER_ID", "blue"), ("SERVICE_ID", "grid"), ("STORE_PASSWORD_FILE", "/secrets/pw"),
        ("TLS_CERT", "/tls/tls.crt"), ("TLS_KEY", "/tls/tls.key"), ("TLS_CA", "/tls/ca.crt"), ("INSECURE", "yes"),
        ("OTLP_ENDPOINT", "http://otel:4317"), ("CONSOLE_TELEMETRY", "1"), ("HEALTH_PORT", "9090"), ("SHUTDOWN_GRACE", "45"),
        ("SLOTS", "3"), ("THREADS", "2"), ("DEVICE", "cuda"), ("CHECKPOINT_EVERY_BATCHES", "50"),
    ];

    [Fact]
    public void Every_key_binds_from_its_environment_spelling()
    {
        var s = Bind(Everything);

        Assert.Equal("postgres://aegrid@db:5432/aegrid", s.Store);
        Assert.Equal((11112, 30001, "10.0.0.7", "blue", "grid", "/secrets/pw"),
            (s.SiloPort, s.GatewayPort, s.AdvertisedAddress, s.ClusterId, s.ServiceId, s.StorePasswordFile));
        Assert.Equal(new AeGrid.Silo.Security.ClusterTlsSettings("/tls/tls.crt", "/tls/tls.key", "/tls/ca.crt", true), s.Transport);
        Assert.Equal(("http://otel:4317", true, 9090, TimeSpan.FromSeconds(45)), (s.OtlpEndpoint, s.ConsoleTelemetry, s.HealthPort, s.ShutdownGrace));
        Assert.Equal((3, (int?)2, "cuda", (int?)50), (s.Training.Slots, s.Training.ThreadsPerSlot, s.Training.DeviceKind, s.Training.CheckpointEveryBatches));
    }

    [Fact]
    public void Command_line_spellings_with_dashes_in_any_case_bind_the_same()
    {
        var dashed = Everything.Select(v => (v.Key.ToLowerInvariant().Replace('_', '-'), v.Value)).ToArray();

        Assert.Equal(Described(Bind(Everything)), Described(Bind(dashed)));
        Assert.Equal(11113, Bind(("STORE", "x"), ("silo_port", "11113")).SiloPort);
    }

    [Fact]
    public void The_underscore_spelling_wins_over_the_dashed_one()
    {
        Assert.Equal(1, Bind(("STORE", "x"), ("SILO_PORT", "1"), ("silo-port", "2")).SiloPort);
    }

    [Fact]
    public void Unset_keys_keep_the_defaults_and_the_cluster_key_stands_in_for_the_store()
    {
        var s = Bind(("CLUSTER", "postgres://aegrid@db/aegrid"));

        Assert.Equal("postgres://aegrid@db/aegrid", s.Store);
        var defaults = new SiloSettings { Store = s.Store };
        Assert.Equal((defaults.SiloPort, defaults.GatewayPort, defaults.ClusterId, SiloSettings.DefaultHealthPort, defaults.ShutdownGrace, 0, "cpu"),
            (s.SiloPort, s.GatewayPort, s.ClusterId, s.HealthPort, s.ShutdownGrace, s.Training.Slots, s.Training.DeviceKind));
        Assert.False(s.ConsoleTelemetry);
    }

    [Theory]
    [InlineData("SILO_PORT", "eleven", "silo_port: expected a whole number, got 'eleven'")]
    [InlineData("slots", "2.5", "slots: expected a whole number, got '2.5'")]
    [InlineData("shutdown-grace", "30s", "shutdown_grace: expected a whole number, got '30s'")]
    public void A_value_that_is_no_number_is_one_line_naming_the_key_and_value(string key, string value, string message)
    {
        var error = Assert.Throws<FormatException>(() => Bind(("STORE", "sqlite:x.db"), (key, value)));
        Assert.Equal(message, error.Message);
        Assert.Equal(message, SiloSettingsCheck.Problem(new ConfigurationBuilder()
            .AddInMemoryCollection([new(key, value), new("STORE", "sqlite:x.db")]).Build()));
    }

    [Fact]
    public void A_missing_store_names_the_variable_to_set() =>
        Assert.StartsWith("store: set AEGRID_STORE", Assert.Throws<FormatException>(() => Bind(("SLOTS", "1"))).Message);

    [Fact]
    public async Task The_silo_executable_exits_2_with_one_line_for_a_bad_value()
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "aegrid-silo.dll");
        var start = new ProcessStartInfo("dotnet", [silo, "--store", "sqlite:unused.db", "--silo-port", "eleven"])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        };
        start.Environment.Remove("AEGRID_SILO_PORT");
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("aegrid silo: silo_port: expected a whole number, got 'eleven'", stderr.Trim());
    }
}
