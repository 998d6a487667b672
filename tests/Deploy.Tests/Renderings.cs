using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace AeGrid.Deploy.Tests;

/// <summary>One `kubectl kustomize` output: its YAML (saved for the validator) and its objects.</summary>
public sealed record Rendering(string Name, string YamlFile, IReadOnlyList<JsonObject> Objects)
{
    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => o.Str("kind") == kind);
    public JsonObject? Find(string kind, string name) => OfKind(kind).FirstOrDefault(o => o.Str("metadata", "name") == name);
    public override string ToString() => Name;
}

/// <summary>
/// Renders every configuration a user can apply once per test run: the overlays as shipped, the CLI Job, and the
/// overlays with the optional components swapped in (HPA instead of KEDA; plain text and a LoadBalancer gateway),
/// those from a copy of deploy/k8s in a temporary folder so the repository is never written.
/// </summary>
public sealed class Renderings : IDisposable
{
    public static readonly string[] Overlays = ["cpu-only", "gpu", "dev"];
    const string KedaLine = "  - ../../components/keda\n";

    readonly string _temp = Directory.CreateTempSubdirectory("aegrid-deploy-tests-").FullName;
    public IReadOnlyList<Rendering> All { get; }

    public Renderings()
    {
        var copy = Path.Combine(_temp, "k8s");
        CopyDirectory(Tools.K8sDir, copy);
        var all = new List<Rendering>();
        foreach (var overlay in Overlays)
            all.Add(Render($"overlays/{overlay}", Path.Combine(Tools.K8sDir, "overlays", overlay)));
        all.Add(Render("jobs/submit-sweep", Path.Combine(Tools.K8sDir, "jobs", "submit-sweep")));
        foreach (var overlay in Overlays)
        {
            var variant = Variant(copy, overlay, "hpa", "  - ../../components/hpa-external\n");
            all.Add(Render($"overlays/{overlay} with components/hpa-external instead of keda", variant));
        }
        var open = Variant(copy, "dev", "open", KedaLine + "  - ../../components/insecure\n  - ../../components/gateway-loadbalancer\n");
        all.Add(Render("overlays/dev with components/insecure and components/gateway-loadbalancer", open));
        All = all;
    }

    public Rendering this[string name] => All.Single(r => r.Name == name);
    public IEnumerable<Rendering> Applyable => All.Where(r => !r.Name.StartsWith("jobs/"));

    /// <summary>A copy of an overlay whose `components` list has the KEDA line replaced.</summary>
    string Variant(string copy, string overlay, string suffix, string componentLines)
    {
        var source = Path.Combine(copy, "overlays", overlay);
        var target = Path.Combine(copy, "overlays", $"{overlay}-{suffix}");
        CopyDirectory(source, target);
        var file = Path.Combine(target, "kustomization.yaml");
        var text = File.ReadAllText(file);
        if (!text.Contains(KedaLine))
            throw new InvalidOperationException($"overlays/{overlay}/kustomization.yaml no longer lists '{KedaLine.Trim()}'; update Renderings");
        File.WriteAllText(file, text.Replace(KedaLine, componentLines));
        return target;
    }

    Rendering Render(string name, string directory)
    {
        var result = Tools.Run(Tools.RequireKubectl(), ["kustomize", directory]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"kubectl kustomize {name} failed ({result.ExitCode}): {result.Stderr}");
        var file = Path.Combine(_temp, name.Replace('/', '_').Replace(' ', '_') + ".yaml");
        File.WriteAllText(file, result.Stdout);
        return new Rendering(name, file, Parse(result.Stdout));
    }

    /// <summary>Every YAML document as JSON; all scalars stay strings (YAML's own typing is the validator's job).</summary>
    public static List<JsonObject> Parse(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var deserializer = new DeserializerBuilder().Build();
        var objects = new List<JsonObject>();
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
            if (ToJson(deserializer.Deserialize<object>(parser)) is JsonObject o) objects.Add(o);
        return objects;
    }

    static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IDictionary<object, object> map => new JsonObject(map.Select(kv => KeyValuePair.Create(kv.Key.ToString()!, ToJson(kv.Value)))),
        IList<object> list => new JsonArray(list.Select(ToJson).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };

    static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            if (!dir.Contains($"{Path.DirectorySeparatorChar}node_modules")) Directory.CreateDirectory(dir.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            if (!file.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}")
                && !file.Contains($"{Path.DirectorySeparatorChar}validate{Path.DirectorySeparatorChar}bin"))
                File.Copy(file, file.Replace(from, to));
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);
}

/// <summary>Reads into the parsed objects without a null check at every step.</summary>
public static class JsonPath
{
    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var step in path) node = node is JsonObject o && o.TryGetPropertyValue(step, out var next) ? next : null;
        return node;
    }

    public static string? Str(this JsonNode? node, params string[] path) => node.At(path) is JsonValue v ? v.GetValue<string>() : null;

    public static IEnumerable<JsonObject> Items(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonArray a ? a.OfType<JsonObject>() : [];

    public static IEnumerable<string> Strings(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonArray a ? a.OfType<JsonValue>().Select(v => v.GetValue<string>()) : [];

    public static int? Int(this JsonNode? node, params string[] path) => int.TryParse(node.Str(path), out var i) ? i : null;
}
