using System.Text.Json;

namespace AeGrid.Deploy.Tests;

/// <summary>
/// Every rendered object against the Kubernetes API's JSON schemas (and KEDA's CRD schemas), with the validator that
/// scripts/setup.sh installs into deploy/k8s/validate (kubernetes-models and @kubernetes-models/keda, pinned).
/// </summary>
[Collection(RenderingsCollection.Name)]
public sealed class SchemaTests(Renderings renderings)
{
    /// <summary>Kinds rendered without a schema to check them against, and why. Empty: everything is validated.</summary>
    static readonly Dictionary<string, string> SkippedKinds = [];

    sealed record Outcome(string File, int Index, string ApiVersion, string Kind, string Name, string Status, string[] Errors);

    static (int ExitCode, List<Outcome> Results) Validate(params string[] files)
    {
        var run = Tools.Run("node", [Tools.RequireValidator(), .. files]);
        if (run.ExitCode is not (0 or 1)) throw new InvalidOperationException($"validator failed ({run.ExitCode}): {run.Stderr}");
        var results = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("results").EnumerateArray()
            .Select(e => new Outcome(e.GetProperty("file").GetString()!, e.GetProperty("index").GetInt32(), e.GetProperty("apiVersion").GetString()!,
                e.GetProperty("kind").GetString()!, e.GetProperty("name").GetString()!, e.GetProperty("status").GetString()!,
                e.GetProperty("errors").EnumerateArray().Select(x => x.GetString()!).ToArray()))
            .ToList();
        return (run.ExitCode, results);
    }

    [Fact]
    public void Every_rendered_object_is_valid_against_its_schema()
    {
        var (exitCode, results) = Validate(renderings.All.Select(r => r.YamlFile).ToArray());

        Assert.Equal(renderings.All.Sum(r => r.Objects.Count), results.Count);
        var problems = results.Where(r => r.Status != "valid" && !(r.Status == "no-schema" && SkippedKinds.ContainsKey(r.Kind)))
            .Select(r => $"{Path.GetFileName(r.File)}: {r.Kind}/{r.Name}: {r.Status} {string.Join("; ", r.Errors)}").ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(0, exitCode);
        // The custom resources were validated too, not waved through.
        Assert.Contains(results, r => r is { Kind: "ScaledObject", Status: "valid" });
        Assert.Contains(results, r => r is { Kind: "TriggerAuthentication", Status: "valid" });
        Assert.Contains(results, r => r is { Kind: "HorizontalPodAutoscaler", Status: "valid" });
    }

    [Fact]
    public void The_validator_rejects_a_wrong_type_a_missing_field_and_an_unknown_kind()
    {
        // A real rendered Deployment and ScaledObject, each broken the way a typo would break it.
        var dev = File.ReadAllText(renderings["overlays/dev"].YamlFile);
        var folder = Directory.CreateTempSubdirectory("aegrid-validate-").FullName;
        try
        {
            var broken = Path.Combine(folder, "broken.yaml");
            File.WriteAllText(broken, string.Join("\n---\n",
                System.Text.RegularExpressions.Regex.Replace(Extract(dev, "kind: Deployment", "aegrid-silo-cpu"),
                    @"terminationGracePeriodSeconds: \d+", "terminationGracePeriodSeconds: sixty"),
                Extract(dev, "kind: ScaledObject", "aegrid-silo-cpu").Replace("minReplicaCount: 0", "minReplicaCount: none"),
                "apiVersion: keda.sh/v1alpha1\nkind: TriggerAuthentication\nmetadata: {name: t}\nspec: {secretTargetRef: [{name: s}]}",
                "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}"));

            var (exitCode, results) = Validate(broken);

            Assert.Equal(1, exitCode);
            Assert.Equal(["invalid", "invalid", "invalid", "no-schema"], results.Select(r => r.Status));
            Assert.Contains(results[0].Errors, e => e.Contains("terminationGracePeriodSeconds") && e.Contains("integer"));
            Assert.Contains(results[1].Errors, e => e.Contains("minReplicaCount") && e.Contains("integer"));
            Assert.Contains(results[2].Errors, e => e.Contains("parameter"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The YAML document of the rendering with that kind and name.</summary>
    static string Extract(string yaml, string kindLine, string name) =>
        yaml.Split("\n---\n").Single(d => d.Contains(kindLine + "\n") && d.Contains($"\n  name: {name}\n"));
}
