using System.Text.Json.Nodes;

namespace AeGrid.Deploy.Tests;

[CollectionDefinition(Name)]
public sealed class RenderingsCollection : ICollectionFixture<Renderings>
{
    public const string Name = "kustomize renderings";
}

/// <summary>Pod templates and containers of a rendering, and the silo containers among them.</summary>
public static class Pods
{
    public sealed record Workload(string Kind, string Name, JsonObject Pod, JsonObject Object)
    {
        public IEnumerable<JsonObject> Containers => Pod.Items("spec", "containers");
        public IEnumerable<JsonObject> InitContainers => Pod.Items("spec", "initContainers");
        public IEnumerable<JsonObject> AllContainers => InitContainers.Concat(Containers);
        public override string ToString() => $"{Kind}/{Name}";
    }

    public static IEnumerable<Workload> Workloads(this Rendering r) =>
        r.Objects.Where(o => o.Str("kind") is "Deployment" or "StatefulSet" or "Job")
            .Select(o => new Workload(o.Str("kind")!, o.Str("metadata", "name")!, (JsonObject)o.At("spec", "template")!, o));

    /// <summary>Silo Deployments: pods labelled app.kubernetes.io/name=aegrid-silo.</summary>
    public static IEnumerable<Workload> Silos(this Rendering r) =>
        r.Workloads().Where(w => w.Pod.Str("metadata", "labels", "app.kubernetes.io/name") == "aegrid-silo");

    public static JsonObject SiloContainer(this Workload w) => w.Containers.Single(c => c.Str("name") == "silo");

    public static IEnumerable<JsonObject> Env(this JsonObject container) => container.Items("env");

    public static string? EnvValue(this JsonObject container, string name) =>
        container.Env().FirstOrDefault(e => e.Str("name") == name).Str("value");

    /// <summary>
    /// An env var's value as the pod would see it: literal, from a ConfigMap in the rendering, a placeholder for a
    /// Secret (never in the rendering) and a sample pod IP for the downward API.
    /// </summary>
    public static string Resolve(this Rendering r, JsonObject env)
    {
        if (env.Str("value") is { } value) return value;
        if (env.At("valueFrom", "configMapKeyRef") is JsonObject cm)
            return r.Find("ConfigMap", cm.Str("name")!).Str("data", cm.Str("key")!)
                   ?? throw new InvalidOperationException($"{env.Str("name")}: ConfigMap {cm.Str("name")} has no key {cm.Str("key")}");
        if (env.At("valueFrom", "secretKeyRef") is not null) return "secret-from-kubernetes";
        if (env.Str("valueFrom", "fieldRef", "fieldPath") == "status.podIP") return "10.1.2.3";
        throw new InvalidOperationException($"{env.Str("name")}: cannot resolve {env.ToJsonString()}");
    }

    /// <summary>A named container port's number.</summary>
    public static int? Port(this JsonObject container, string? nameOrNumber) =>
        int.TryParse(nameOrNumber, out var n) ? n
            : container.Items("ports").FirstOrDefault(p => p.Str("name") == nameOrNumber).Int("containerPort");
}
