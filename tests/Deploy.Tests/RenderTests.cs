namespace AeGrid.Deploy.Tests;

/// <summary>Every overlay renders with the real `kubectl kustomize` and applies in an order a cluster accepts.</summary>
[Collection(RenderingsCollection.Name)]
public sealed class RenderTests(Renderings renderings)
{
    public static TheoryData<string> Overlays => new(Renderings.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_renders_with_the_namespace_first_and_everything_in_it(string overlay)
    {
        var r = renderings[$"overlays/{overlay}"];
        Assert.Equal("Namespace", r.Objects[0].Str("kind"));
        Assert.Equal("aegrid", r.Objects[0].Str("metadata", "name"));
        foreach (var o in r.Objects.Skip(1))
            Assert.True(o.Str("metadata", "namespace") == "aegrid", $"{o.Str("kind")}/{o.Str("metadata", "name")} is not in namespace aegrid");
    }

    [Fact]
    public void Every_configuration_renders_silos_and_the_core_silo_that_keeps_a_gateway()
    {
        Assert.Equal(8, renderings.All.Count);
        foreach (var r in renderings.Applyable)
        {
            Assert.Contains(r.Silos(), w => w.Name == "aegrid-silo-core");
            Assert.Contains(r.Silos(), w => w.Name == "aegrid-silo-cpu");
            Assert.Equal(r.Name.Contains("gpu"), r.Silos().Any(w => w.Name == "aegrid-silo-gpu"));
            Assert.NotNull(r.Find("Service", "aegrid-gateway"));
        }
    }

    [Fact]
    public void Images_have_a_registry_and_a_version_never_latest()
    {
        foreach (var r in renderings.All)
        foreach (var w in r.Workloads())
        foreach (var c in w.AllContainers)
        {
            var image = c.Str("image")!;
            var tag = image[(image.LastIndexOf('/') + 1)..].Split(':') is [_, var t] ? t : null;
            Assert.True(tag is not null && tag != "latest", $"{r}: {w}/{c.Str("name")}: image '{image}' has no version tag");
            if (image.Contains("aegrid"))
                Assert.StartsWith("registry.example.com/aegrid/", image);
        }
    }

    [Fact]
    public void No_volume_claim_that_nothing_fills()
    {
        foreach (var r in renderings.All)
        {
            Assert.Empty(r.OfKind("PersistentVolumeClaim"));
            foreach (var w in r.Silos())
                Assert.DoesNotContain(w.Pod.Items("spec", "volumes"), v => v.At("persistentVolumeClaim") is not null);
        }
    }

    [Fact]
    public void Silos_fetch_both_data_sets_into_their_own_data_volume_before_starting()
    {
        foreach (var r in renderings.Applyable)
        foreach (var w in r.Silos())
        {
            var fetched = w.InitContainers.Select(c => string.Join(' ', c.Strings("args"))).ToList();
            Assert.Contains("data fetch mnist --dir /data/mnist", fetched);
            Assert.Contains("data fetch fashion-mnist --dir /data/fashion-mnist", fetched);
            Assert.Contains(w.Pod.Items("spec", "volumes"), v => v.Str("name") == "data" && v.At("emptyDir") is not null);
            Assert.Equal("/data", w.SiloContainer().EnvValue("AEGRID_DATA"));
        }
    }
}
