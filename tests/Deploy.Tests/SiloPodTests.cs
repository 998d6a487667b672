using AeGrid.Silo;
using Microsoft.Extensions.Configuration;

namespace AeGrid.Deploy.Tests;

/// <summary>What schemas cannot check about the pods: probes, non-root, the drain, passwords, the silo's variables.</summary>
[Collection(RenderingsCollection.Name)]
public sealed partial class SiloPodTests(Renderings renderings)
{
    /// <summary>
    /// Variables the silo reads (SiloEnvironment.All) that the manifests leave unset on purpose, and why. Every other
    /// listed variable must be set on every silo container.
    /// </summary>
    static readonly Dictionary<string, string> DeliberatelyUnset = new()
    {
        ["AEGRID_CLUSTER"] = "an older name for AEGRID_STORE, which is set",
        ["POD_IP"] = "a fallback for AEGRID_ADVERTISED_ADDRESS, which is set from the downward API",
        ["AEGRID_OTLP_ENDPOINT"] = "the same as OTEL_EXPORTER_OTLP_ENDPOINT, which is set",
        ["AEGRID_STORE_PASSWORD_FILE"] = "the alternative to PGPASSWORD, which is set from a Secret",
        ["AEGRID_TLS_PFX_PASSWORD"] = "only for a PKCS#12 certificate; the manifests mount PEM files",
        ["AEGRID_CHECKPOINT_EVERY_BATCHES"] = "unset means a checkpoint every epoch, the default",
        ["AEGRID_SERVICE_ID"] = "the default (aegrid) keeps reminders across cluster restarts",
        ["AEGRID_CONSOLE_TELEMETRY"] = "printing telemetry is for looking at one silo by hand; the collector receives it over OTLP",
    };

    static readonly string[] TlsVariables = ["AEGRID_TLS_CERT", "AEGRID_TLS_KEY", "AEGRID_TLS_CA"];

    /// <summary>The settings the silo binds from this container's environment, exactly as Program.cs binds them.</summary>
    static SiloSettings Bind(Rendering r, Pods.Workload w)
    {
        var values = w.SiloContainer().Env()
            .Where(e => e.Str("name")!.StartsWith(SiloEnvironment.Prefix))
            .ToDictionary(e => e.Str("name")![SiloEnvironment.Prefix.Length..], e => (string?)r.Resolve(e));
        return SiloConfiguration.Bind(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    [Fact]
    public void Every_silo_has_startup_liveness_and_readiness_probes_on_its_health_port()
    {
        foreach (var r in renderings.Applyable)
        foreach (var w in r.Silos())
        {
            var silo = w.SiloContainer();
            var healthPort = int.Parse(silo.EnvValue("AEGRID_HEALTH_PORT") ?? "0");
            Assert.Equal(8080, healthPort);
            foreach (var (probe, path) in new[] { ("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz") })
            {
                Assert.True(silo.At(probe) is not null, $"{r}: {w}: no {probe}");
                Assert.Equal(path, silo.Str(probe, "httpGet", "path"));
                Assert.Equal(healthPort, silo.Port(silo.Str(probe, "httpGet", "port")));
            }
            // libtorch loads before the health endpoint answers: give it minutes, not the default 30 s.
            var startup = silo.Int("startupProbe", "periodSeconds")!.Value * silo.Int("startupProbe", "failureThreshold")!.Value;
            Assert.True(startup >= 180, $"{r}: {w}: startup probe allows only {startup} s");
        }
    }

    [Fact]
    public void Every_container_runs_as_non_root_on_a_read_only_root_without_capabilities()
    {
        foreach (var r in renderings.All)
        foreach (var w in r.Workloads())
        {
            Assert.Equal("RuntimeDefault", w.Pod.Str("spec", "securityContext", "seccompProfile", "type"));
            foreach (var c in w.AllContainers)
            {
                var where = $"{r}: {w}/{c.Str("name")}";
                var nonRoot = c.Str("securityContext", "runAsNonRoot") ?? w.Pod.Str("spec", "securityContext", "runAsNonRoot");
                var user = c.Int("securityContext", "runAsUser") ?? w.Pod.Int("spec", "securityContext", "runAsUser");
                Assert.True(nonRoot == "true", $"{where}: runAsNonRoot is not true");
                Assert.True(user is > 0, $"{where}: runAsUser {user}");
                Assert.True(c.Str("securityContext", "allowPrivilegeEscalation") == "false", $"{where}: allowPrivilegeEscalation");
                Assert.True(c.Str("securityContext", "readOnlyRootFilesystem") == "true", $"{where}: readOnlyRootFilesystem");
                Assert.Equal(new[] { "ALL" }, c.Strings("securityContext", "capabilities", "drop"));
                Assert.True(c.At("resources", "requests") is not null && c.At("resources", "limits", "memory") is not null,
                    $"{where}: resource requests and a memory limit");
            }
        }
        foreach (var r in renderings.Applyable)
        foreach (var w in r.Silos())
            Assert.Equal("10001", w.Pod.Str("spec", "securityContext", "runAsUser"));
    }

    [Fact]
    public void Termination_grace_outlasts_the_silo_drain()
    {
        foreach (var r in renderings.Applyable)
        foreach (var w in r.Silos())
        {
            // The drain made explicit in the manifest, not left to a default someone may change.
            Assert.NotNull(w.SiloContainer().EnvValue("AEGRID_SHUTDOWN_GRACE"));
            var drain = Bind(r, w).ShutdownGrace;
            // SiloHostFactory gives the host ShutdownGrace + 5 s; then the process still has to exit.
            var needed = drain + TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(10);
            var grace = TimeSpan.FromSeconds(w.Pod.Int("spec", "terminationGracePeriodSeconds") ?? 30);
            Assert.True(grace >= needed, $"{r}: {w}: terminationGracePeriodSeconds {grace.TotalSeconds} < drain {drain.TotalSeconds} + 15 s");
        }
    }

    [Fact]
    public void Silo_settings_bind_from_the_manifest_as_the_silo_would_bind_them()
    {
        foreach (var r in renderings.Applyable)
        foreach (var w in r.Silos())
        {
            var settings = Bind(r, w);
            Assert.Equal(w.Name == "aegrid-silo-gpu" ? "cuda" : "cpu", settings.Training.DeviceKind);
            Assert.Equal("10.1.2.3", settings.AdvertisedAddress);
            Assert.Equal("aegrid", settings.ClusterId);
            Assert.Equal(w.SiloContainer().Port("silo"), settings.SiloPort);
            Assert.Equal(w.SiloContainer().Port("gateway"), settings.GatewayPort);
            Assert.StartsWith("postgres://aegrid@", settings.Store);
        }
    }

    [Fact]
    public void Silo_containers_set_exactly_the_variables_the_silo_reads()
    {
        foreach (var r in renderings.Applyable)
        foreach (var w in r.Silos())
        {
            var set = w.SiloContainer().Env().Select(e => e.Str("name")!).ToHashSet();
            var unread = set.Except(SiloEnvironment.All).ToList();
            Assert.True(unread.Count == 0, $"{r}: {w}: set but never read by the silo: {string.Join(", ", unread)}");

            var insecure = w.SiloContainer().EnvValue("AEGRID_INSECURE") == "1";
            var expectedUnset = DeliberatelyUnset.Keys.Concat(insecure ? TlsVariables : ["AEGRID_INSECURE"]).ToHashSet();
            var missing = SiloEnvironment.All.Except(set).Except(expectedUnset).ToList();
            Assert.True(missing.Count == 0, $"{r}: {w}: read by the silo but not set: {string.Join(", ", missing)}");
            Assert.True(insecure || TlsVariables.All(set.Contains), $"{r}: {w}: neither TLS nor AEGRID_INSECURE=1");
        }
    }

    [Fact]
    public void Passwords_come_only_from_secrets_and_never_sit_in_a_url()
    {
        foreach (var r in renderings.All)
        {
            foreach (var w in r.Workloads())
            foreach (var c in w.AllContainers)
            foreach (var e in c.Env().Where(e => e.Str("name")!.Contains("PASSWORD")))
                Assert.True(e.At("valueFrom", "secretKeyRef") is not null, $"{r}: {w}/{c.Str("name")}: {e.Str("name")} is not from a Secret");
            Assert.Empty(r.OfKind("Secret"));
            // Configuration files may name a password only by reference: ${VAR} (Grafana, the collector), $VAR (shell)
            // or :'var' (psql).
            foreach (var cm in r.OfKind("ConfigMap"))
            foreach (var (key, value) in cm.At("data")?.AsObject() ?? [])
                Assert.False(LiteralPassword().IsMatch(value!.GetValue<string>()), $"{r}: ConfigMap {cm.Str("metadata", "name")} {key} holds a password");
        }
        foreach (var r in renderings.Applyable)
        foreach (var w in r.Silos())
        {
            Assert.NotNull(w.SiloContainer().Env().Single(e => e.Str("name") == "PGPASSWORD").At("valueFrom", "secretKeyRef"));
            var store = new Uri(r.Resolve(w.SiloContainer().Env().Single(e => e.Str("name") == "AEGRID_STORE")));
            Assert.DoesNotContain(':', store.UserInfo);
        }
    }

    [Fact]
    public void Gpu_silos_ask_for_a_gpu_on_gpu_nodes()
    {
        var r = renderings["overlays/gpu"];
        var gpu = r.Silos().Single(w => w.Name == "aegrid-silo-gpu");
        Assert.Equal("1", gpu.SiloContainer().Str("resources", "limits", "nvidia.com/gpu"));
        Assert.Equal("true", gpu.Pod.Str("spec", "nodeSelector", "nvidia.com/gpu.present"));
        Assert.Contains(gpu.Pod.Items("spec", "tolerations"), t => t.Str("key") == "nvidia.com/gpu");
        Assert.Equal("registry.example.com/aegrid/silo-cuda:0.1.0", gpu.SiloContainer().Str("image"));
        foreach (var cpu in r.Silos().Where(w => w.Name != "aegrid-silo-gpu"))
            Assert.Null(cpu.SiloContainer().Str("resources", "limits", "nvidia.com/gpu"));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?i)password(?!\s*:')\s*[:=]\s*(?!\$\{|\$|""\$)\S")]
    private static partial System.Text.RegularExpressions.Regex LiteralPassword();
}
