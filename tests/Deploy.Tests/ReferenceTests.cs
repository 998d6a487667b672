using System.Text.Json.Nodes;

namespace AeGrid.Deploy.Tests;

/// <summary>Everything a rendered object refers to exists in the rendering, or is one of the documented few you create.</summary>
[Collection(RenderingsCollection.Name)]
public sealed class ReferenceTests(Renderings renderings)
{
    /// <summary>Created by the operator (deploy/k8s/README.md says how), never rendered: they hold secrets or your input.</summary>
    static readonly Dictionary<string, string[]> OperatorProvided = new()
    {
        ["Secret"] = ["aegrid-tls", "aegrid-db", "aegrid-db-reader", "aegrid-grafana", "aegrid-postgres-admin"],
        ["ConfigMap"] = ["aegrid-sweep-spec"],
        ["ServiceAccount"] = ["default"],
    };

    static IEnumerable<(string Kind, string Name, string Where)> References(Rendering r)
    {
        foreach (var w in r.Workloads())
        {
            var spec = w.Pod.At("spec");
            if (spec.Str("serviceAccountName") is { } account) yield return ("ServiceAccount", account, $"{w}");
            if (w.Kind == "StatefulSet") yield return ("Service", w.Object.Str("spec", "serviceName")!, $"{w}");
            foreach (var v in spec.Items("volumes"))
            {
                if (v.Str("secret", "secretName") is { } s) yield return ("Secret", s, $"{w} volume {v.Str("name")}");
                if (v.Str("configMap", "name") is { } c) yield return ("ConfigMap", c, $"{w} volume {v.Str("name")}");
            }
            foreach (var c in w.AllContainers)
            {
                foreach (var e in c.Env())
                {
                    if (e.Str("valueFrom", "secretKeyRef", "name") is { } s) yield return ("Secret", s, $"{w} env {e.Str("name")}");
                    if (e.Str("valueFrom", "configMapKeyRef", "name") is { } m) yield return ("ConfigMap", m, $"{w} env {e.Str("name")}");
                }
                foreach (var f in c.Items("envFrom"))
                {
                    if (f.Str("secretRef", "name") is { } s) yield return ("Secret", s, $"{w} envFrom");
                    if (f.Str("configMapRef", "name") is { } m) yield return ("ConfigMap", m, $"{w} envFrom");
                }
            }
        }
        foreach (var t in r.OfKind("TriggerAuthentication"))
        foreach (var s in t.Items("spec", "secretTargetRef"))
            yield return ("Secret", s.Str("name")!, $"TriggerAuthentication/{t.Str("metadata", "name")}");
        foreach (var so in r.OfKind("ScaledObject"))
        foreach (var trigger in so.Items("spec", "triggers"))
            if (trigger.Str("authenticationRef", "name") is { } auth)
                yield return ("TriggerAuthentication", auth, $"ScaledObject/{so.Str("metadata", "name")}");
    }

    [Fact]
    public void Every_referenced_object_is_rendered_or_provided_by_the_operator()
    {
        // The CLI Job is applied into a namespace where an overlay already runs, so it may use what the overlay renders.
        var dev = renderings["overlays/dev"];
        foreach (var r in renderings.All)
        foreach (var (kind, name, where) in References(r))
        {
            var found = r.Find(kind, name) is not null || (r.Name.StartsWith("jobs/") && dev.Find(kind, name) is not null)
                        || OperatorProvided.GetValueOrDefault(kind, []).Contains(name);
            Assert.True(found, $"{r}: {where} refers to {kind} {name}, which is neither rendered nor listed as operator-provided");
        }
    }

    [Fact]
    public void Every_operator_provided_object_is_used_and_documented()
    {
        var readme = File.ReadAllText(Path.Combine(Tools.K8sDir, "README.md"));
        var used = renderings.All.SelectMany(References).Select(x => (x.Kind, x.Name)).ToHashSet();
        foreach (var (kind, names) in OperatorProvided)
        foreach (var name in names.Where(n => n != "default"))
        {
            Assert.Contains((kind, name), used);
            Assert.True(readme.Contains(name), $"deploy/k8s/README.md does not say how to create {kind} {name}");
        }
    }

    [Fact]
    public void Services_the_pods_call_by_name_are_rendered_on_the_ports_they_use()
    {
        foreach (var r in renderings.Applyable)
        {
            var endpoints = new List<(string Host, int Port, string Where)>();
            foreach (var w in r.Silos())
            {
                var otlp = new Uri(r.Resolve(w.SiloContainer().Env().Single(e => e.Str("name") == "OTEL_EXPORTER_OTLP_ENDPOINT")));
                endpoints.Add((otlp.Host, otlp.Port, $"{w} OTLP"));
            }
            var store = new Uri(r.Find("ConfigMap", "aegrid-settings").Str("data", "AEGRID_STORE")!);
            if (store.Host.EndsWith(".svc.cluster.local")) endpoints.Add((store.Host, store.Port, "AEGRID_STORE"));
            foreach (var (host, port, where) in endpoints)
            {
                var service = r.Find("Service", host.Split('.')[0]);
                Assert.True(service is not null, $"{r}: {where}: no Service {host}");
                Assert.Contains(service.Items("spec", "ports"), p => p.Int("port") == port);
            }
        }
        var job = renderings["jobs/submit-sweep"];
        var script = string.Join(' ', job.Workloads().Single().Containers.Single().Strings("args"));
        Assert.Contains("--gateway aegrid-gateway:30000", script);
        Assert.Contains(renderings["overlays/dev"].Find("Service", "aegrid-gateway").Items("spec", "ports"), p => p.Int("port") == 30000);
    }

    [Fact]
    public void The_gateway_service_reaches_the_silos_gateway_port()
    {
        foreach (var r in renderings.Applyable)
        {
            var gateway = r.Find("Service", "aegrid-gateway")!;
            var selector = (JsonObject)gateway.At("spec", "selector")!;
            var selected = r.Silos().Where(w => selector.All(kv => w.Pod.Str("metadata", "labels", kv.Key) == kv.Value!.GetValue<string>())).ToList();
            Assert.Equal(r.Silos().Select(w => w.Name).Order(), selected.Select(w => w.Name).Order());
            var port = gateway.Items("spec", "ports").Single();
            foreach (var w in selected)
                Assert.Equal(30000, w.SiloContainer().Port(port.Str("targetPort")));
            Assert.Equal(r.Name.Contains("gateway-loadbalancer") ? "LoadBalancer" : "ClusterIP", gateway.Str("spec", "type"));
        }
    }

    [Fact]
    public void Network_policies_select_pods_and_name_ports_those_pods_have()
    {
        foreach (var r in renderings.Applyable)
        foreach (var policy in r.OfKind("NetworkPolicy"))
        {
            var selector = policy.At("spec", "podSelector");
            var labels = (selector.At("matchLabels") as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>()) ?? [];
            var anyOf = selector.Items("matchExpressions").Where(e => e.Str("operator") == "In")
                .ToDictionary(e => e.Str("key")!, e => e.Strings("values").ToHashSet());
            var pods = r.Workloads().Where(w =>
                labels.All(l => w.Pod.Str("metadata", "labels", l.Key) == l.Value)
                && anyOf.All(e => w.Pod.Str("metadata", "labels", e.Key) is { } v && e.Value.Contains(v))).ToList();
            Assert.True(pods.Count > 0, $"{r}: NetworkPolicy {policy.Str("metadata", "name")} selects no pod");
            var ports = pods.SelectMany(w => w.Containers).SelectMany(c => c.Items("ports")).Select(p => p.Str("name")).ToHashSet();
            foreach (var rule in policy.Items("spec", "ingress"))
            foreach (var port in rule.Items("ports"))
                Assert.True(int.TryParse(port.Str("port"), out _) || ports.Contains(port.Str("port")),
                    $"{r}: NetworkPolicy {policy.Str("metadata", "name")} allows port '{port.Str("port")}', which none of its pods has");
        }
    }
}
