using System.Web;

namespace AeGrid.Deploy.Tests;

/// <summary>Autoscaling on the queue: KEDA (components/keda) or an HPA on the collector's metric (components/hpa-external).</summary>
[Collection(RenderingsCollection.Name)]
public sealed class ScalingTests(Renderings renderings)
{
    /// <summary>The demand per device kind, exactly as agreed with the `trials.device` column's migration.</summary>
    public static readonly Dictionary<string, string> DemandQueries = new()
    {
        ["aegrid-silo-gpu"] = "SELECT CAST(coalesce(sum(ceil(d.trials::numeric / d.fuse)), 0) AS bigint) AS count FROM (SELECT s.id, s.fuse, count(*) AS trials FROM trials t JOIN sweeps s ON s.id = t.sweep_id WHERE s.state = 'running' AND t.status IN ('pending', 'running') AND t.device = 'cuda' GROUP BY s.id, s.fuse) d",
        ["aegrid-silo-cpu"] = "SELECT CAST(coalesce(sum(ceil(d.trials::numeric / d.fuse)), 0) AS bigint) AS count FROM (SELECT s.id, s.fuse, count(*) AS trials FROM trials t JOIN sweeps s ON s.id = t.sweep_id WHERE s.state = 'running' AND t.status IN ('pending', 'running') AND t.device IN ('cpu', 'any') GROUP BY s.id, s.fuse) d",
    };

    static readonly Dictionary<string, string> DeviceLabel = new() { ["aegrid-silo-gpu"] = "cuda", ["aegrid-silo-cpu"] = "cpu" };

    static int Slots(Rendering r, string deployment) =>
        int.Parse(r.Silos().Single(w => w.Name == deployment).SiloContainer().EnvValue("AEGRID_SLOTS")!);

    [Fact]
    public void Each_trainer_deployment_has_exactly_one_autoscaler_and_the_core_silo_none()
    {
        foreach (var r in renderings.Applyable)
        {
            var targets = r.OfKind("ScaledObject").Select(o => o.Str("spec", "scaleTargetRef", "name")!)
                .Concat(r.OfKind("HorizontalPodAutoscaler").Select(o => o.Str("spec", "scaleTargetRef", "name")!)).ToList();
            var trainers = r.Silos().Select(w => w.Name).Where(n => n != "aegrid-silo-core").Order().ToList();
            Assert.Equal(trainers, targets.Order());
            Assert.DoesNotContain("aegrid-silo-core", targets);
        }
    }

    [Fact]
    public void Keda_scales_each_pool_from_zero_on_its_demand_with_a_slow_scale_down()
    {
        var kedaRenderings = renderings.Applyable.Where(r => r.OfKind("ScaledObject").Any()).ToList();
        Assert.Equal(Renderings.Overlays.Length + 1, kedaRenderings.Count);
        foreach (var r in kedaRenderings)
        foreach (var so in r.OfKind("ScaledObject"))
        {
            var target = so.Str("spec", "scaleTargetRef", "name")!;
            var trigger = so.Items("spec", "triggers").Single();
            Assert.Equal("postgresql", trigger.Str("type"));
            Assert.Equal(DemandQueries[target], trigger.Str("metadata", "query"));
            Assert.Equal(Slots(r, target), int.Parse(trigger.Str("metadata", "targetQueryValue")!));
            Assert.Equal("aegrid_reader", trigger.Str("metadata", "userName"));
            Assert.NotNull(r.Find("TriggerAuthentication", trigger.Str("authenticationRef", "name")!));
            Assert.Equal(0, so.Int("spec", "minReplicaCount"));
            Assert.True(so.Int("spec", "maxReplicaCount") >= 1);
            var scaleDown = so.At("spec", "advanced", "horizontalPodAutoscalerConfig", "behavior", "scaleDown");
            AssertSlowScaleDown(r, target, scaleDown);
        }
    }

    [Fact]
    public void Hpa_variant_scales_on_the_collectors_demand_metric_with_a_slow_scale_down()
    {
        var hpaRenderings = renderings.Applyable.Where(r => r.OfKind("HorizontalPodAutoscaler").Any()).ToList();
        Assert.Equal(Renderings.Overlays.Length, hpaRenderings.Count);
        foreach (var r in hpaRenderings)
        foreach (var hpa in r.OfKind("HorizontalPodAutoscaler"))
        {
            var target = hpa.Str("spec", "scaleTargetRef", "name")!;
            var external = hpa.Items("spec", "metrics").Single().At("external");
            Assert.Equal("aegrid_trials_demand", external.Str("metric", "name"));
            Assert.Equal(DeviceLabel[target], external.Str("metric", "selector", "matchLabels", "device"));
            Assert.Equal("AverageValue", external.Str("target", "type"));
            Assert.Equal(Slots(r, target).ToString(), external.Str("target", "averageValue"));
            AssertSlowScaleDown(r, target, hpa.At("spec", "behavior", "scaleDown"));
        }
    }

    static void AssertSlowScaleDown(Rendering r, string target, System.Text.Json.Nodes.JsonNode? scaleDown)
    {
        Assert.True(scaleDown.Int("stabilizationWindowSeconds") >= 300, $"{r}: {target}: scale-down stabilization under 5 minutes");
        var policy = scaleDown.Items("policies").Single();
        Assert.Equal("Pods", policy.Str("type"));
        Assert.Equal(1, policy.Int("value"));
        // One pod per period, and a period longer than a pod's drain.
        var grace = r.Silos().Single(w => w.Name == target).Pod.Int("spec", "terminationGracePeriodSeconds")!.Value;
        Assert.True(policy.Int("periodSeconds") >= grace, $"{r}: {target}: scale-down period shorter than a pod's termination grace");
    }

    [Fact]
    public void Store_url_database_settings_and_keda_triggers_name_the_same_database()
    {
        foreach (var r in renderings.Applyable)
        {
            var store = new Uri(r.Find("ConfigMap", "aegrid-settings").Str("data", "AEGRID_STORE")!);
            var sslmode = HttpUtility.ParseQueryString(store.Query)["sslmode"];
            var db = r.Find("ConfigMap", "aegrid-database")!;
            Assert.Equal("aegrid", store.UserInfo);
            Assert.Equal(store.Host, db.Str("data", "PGHOST"));
            Assert.Equal(store.Port.ToString(), db.Str("data", "PGPORT"));
            Assert.Equal(store.AbsolutePath.TrimStart('/'), db.Str("data", "PGDATABASE"));
            Assert.Equal(sslmode, db.Str("data", "PGSSLMODE"));
            foreach (var so in r.OfKind("ScaledObject"))
            {
                var m = so.Items("spec", "triggers").Single().At("metadata");
                Assert.Equal(store.Host, m.Str("host"));
                Assert.Equal(store.Port.ToString(), m.Str("port"));
                Assert.Equal(db.Str("data", "PGDATABASE"), m.Str("dbName"));
                Assert.Equal(sslmode, m.Str("sslmode"));
            }
        }
    }
}
