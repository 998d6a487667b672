using System.Text.Json;
using System.Text.Json.Nodes;

namespace AeGrid.Deploy.Tests;

/// <summary>The OpenTelemetry Collector and Grafana the base deploys, wired to the silos and the store.</summary>
[Collection(RenderingsCollection.Name)]
public sealed class ObservabilityTests(Renderings renderings)
{
    static JsonObject CollectorConfig(Rendering r)
    {
        var collector = r.Workloads().Single(w => w.Name == "aegrid-otel-collector");
        var volume = collector.Pod.Items("spec", "volumes").Single(v => v.Str("name") == "config").Str("configMap", "name")!;
        return Renderings.Parse(r.Find("ConfigMap", volume).Str("data", "config.yaml")!).Single();
    }

    [Fact]
    public void Collector_takes_otlp_and_exports_prometheus_and_the_demand_the_autoscalers_use()
    {
        foreach (var r in renderings.Applyable)
        {
            var config = CollectorConfig(r);
            Assert.Equal("0.0.0.0:4317", config.Str("receivers", "otlp", "protocols", "grpc", "endpoint"));
            Assert.Equal("0.0.0.0:4318", config.Str("receivers", "otlp", "protocols", "http", "endpoint"));
            Assert.Equal("0.0.0.0:8889", config.Str("exporters", "prometheus", "endpoint"));
            Assert.Contains("prometheus", config.Strings("service", "pipelines", "metrics", "exporters"));
            Assert.Equal(["otlp", "sqlquery"], config.Strings("service", "pipelines", "metrics", "receivers").Order());

            var queries = config.Items("receivers", "sqlquery", "queries")
                .ToDictionary(q => q.Items("metrics").Single().Str("static_attributes", "device")!, q => q.Str("sql")!);
            Assert.Equal(ScalingTests.DemandQueries["aegrid-silo-cpu"], queries["cpu"]);
            Assert.Equal(ScalingTests.DemandQueries["aegrid-silo-gpu"], queries["cuda"]);
            Assert.All(config.Items("receivers", "sqlquery", "queries"),
                q => Assert.Equal("aegrid_trials_demand", q.Items("metrics").Single().Str("metric_name")));
            Assert.Contains("user=aegrid_reader", config.Str("receivers", "sqlquery", "datasource"));

            var service = r.Find("Service", "aegrid-otel-collector")!;
            Assert.Equal([4317, 4318, 8889], service.Items("spec", "ports").Select(p => p.Int("port")!.Value).Order());
            foreach (var w in r.Silos())
            {
                Assert.Equal("aegrid-silo", w.SiloContainer().EnvValue("OTEL_SERVICE_NAME"));
                Assert.Contains($"k8s.deployment.name={w.Name}", w.SiloContainer().EnvValue("OTEL_RESOURCE_ATTRIBUTES"));
            }
        }
    }

    [Fact]
    public void Grafana_provisions_the_reader_datasource_and_the_dashboard_from_config_maps()
    {
        foreach (var r in renderings.Applyable)
        {
            var grafana = r.Workloads().Single(w => w.Name == "aegrid-grafana");
            var container = grafana.Containers.Single();
            string ConfigMapOf(string mountPath)
            {
                var volume = container.Items("volumeMounts").Single(m => m.Str("mountPath") == mountPath).Str("name");
                return grafana.Pod.Items("spec", "volumes").Single(v => v.Str("name") == volume).Str("configMap", "name")!;
            }

            var datasources = Renderings.Parse(r.Find("ConfigMap", ConfigMapOf("/etc/grafana/provisioning/datasources")).Str("data", "datasource.yaml")!)
                .Single().Items("datasources").Single();
            Assert.Equal("aegrid-postgres", datasources.Str("uid"));
            Assert.Equal("aegrid_reader", datasources.Str("user"));
            Assert.Equal("${AEGRID_READER_PASSWORD}", datasources.Str("secureJsonData", "password"));
            Assert.Equal("aegrid-db-reader", container.Env().Single(e => e.Str("name") == "AEGRID_READER_PASSWORD").Str("valueFrom", "secretKeyRef", "name"));
            foreach (var variable in new[] { "PGHOST", "PGPORT", "PGDATABASE", "PGSSLMODE" })
                Assert.Contains(container.Env(), e => e.Str("name") == variable);

            var provider = Renderings.Parse(r.Find("ConfigMap", ConfigMapOf("/etc/grafana/provisioning/dashboards")).Str("data", "dashboard-provider.yaml")!).Single();
            var dashboardsPath = provider.Items("providers").Single().Str("options", "path");
            var dashboards = r.Find("ConfigMap", ConfigMapOf(dashboardsPath!))!;
            var json = dashboards.Str("data", "aegrid-sweeps.json")!;
            Assert.Equal(File.ReadAllText(Path.Combine(Tools.K8sDir, "base", "grafana", "dashboards", "aegrid-sweeps.json")), json);

            // Every panel finds its datasource through the dashboard's datasource variable (no hard-coded uid), and that
            // variable offers the provisioned datasource: same plugin type, and it is the default, so it is preselected.
            var dashboard = JsonNode.Parse(json)!;
            var used = new List<string>();
            Collect(dashboard, used);
            Assert.NotEmpty(used);
            Assert.All(used, uid => Assert.Equal("${datasource}", uid));
            var datasourceVariable = dashboard["templating"]!["list"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "datasource")!;
            Assert.Equal("datasource", datasourceVariable["type"]!.GetValue<string>());
            Assert.Equal(datasources.Str("type"), datasourceVariable["query"]!.GetValue<string>());
            Assert.True(datasources.Str("isDefault") is "true", "the provisioned datasource is not the default");
        }
    }

    /// <summary>Every datasource uid the dashboard refers to ({"datasource": {"uid": …}} anywhere in it).</summary>
    static void Collect(JsonNode? node, List<string> uids)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "datasource" && value is JsonObject ds && ds["uid"] is JsonValue uid
                        && uid.GetValueKind() == JsonValueKind.String && ds["type"]?.GetValue<string>() != "datasource")
                        uids.Add(uid.GetValue<string>());
                    Collect(value, uids);
                }
                break;
            case JsonArray a:
                foreach (var item in a) Collect(item, uids);
                break;
        }
    }
}
