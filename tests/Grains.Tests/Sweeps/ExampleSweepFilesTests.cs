using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>Every sweep file in the repository's examples/ parses, and each tutorial recipe trains exactly the tutorial's numbers.</summary>
public sealed class ExampleSweepFilesTests
{
    private static readonly string ExamplesDirectory = FindExamples();

    public static TheoryData<string> ExampleFiles() => [.. ExampleFileNames()];

    private static IEnumerable<string> ExampleFileNames() =>
        Directory.EnumerateFiles(ExamplesDirectory)
            .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json")
            .Select(f => Path.GetFileName(f))
            .Order();

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_example_parses_and_creates_its_trials(string file)
    {
        var spec = Parse(file);
        Assert.Equal(Path.GetFileNameWithoutExtension(file) + (file.EndsWith(".json") ? "-json" : ""), spec.Name);
        Assert.NotEmpty(Trials(spec));
    }

    [Fact]
    public void There_is_a_recipe_and_a_search_for_every_tutorial()
    {
        var files = ExampleFileNames().ToHashSet();
        foreach (var architecture in new[] { "linear", "deep-mlp", "denoise-mlp", "conv-denoise", "cluster-mlp" })
        {
            Assert.Contains($"{architecture}.yaml", files);
            Assert.Contains($"{architecture}-search.yaml", files);
            Assert.All(Trials(Parse($"{architecture}-search.yaml")), t => Assert.Equal(architecture, t.Architecture));
            Assert.True(Parse($"{architecture}-search.yaml").Space.Count > 0, $"{architecture}-search.yaml searches nothing");
        }
    }

    public static TheoryData<string, string[]> Recipes() => new()
    {
        { "linear.yaml", [Json("""{"architecture":"linear","dataset":"mnist","encoding_dim":32,"lr":0.001,"batch_size":20,"epochs":20,"seed":1}""")] },
        { "deep-mlp.yaml", [Json("""{"architecture":"deep-mlp","dataset":"fashion-mnist","encoding_dim":3,"hidden_sizes":[128,64,12],"lr":0.005,"batch_size":64,"epochs":10,"seed":1}""")] },
        {
            "denoise-mlp.yaml",
            [
                Json("""{"architecture":"denoise-mlp","dataset":"mnist","hidden_sizes":[256],"noise_factor":0.6,"clip_noise":false,"lr":0.01,"batch_size":100,"epochs":20,"seed":1}"""),
                Json("""{"architecture":"denoise-mlp","dataset":"mnist","hidden_sizes":[256,128],"noise_factor":0.6,"clip_noise":false,"lr":0.01,"batch_size":100,"epochs":20,"seed":1}"""),
            ]
        },
        { "conv-denoise.yaml", [Json("""{"architecture":"conv-denoise","dataset":"mnist","noise_factor":0.5,"clip_noise":true,"lr":0.001,"batch_size":20,"epochs":20,"seed":1}""")] },
        { "cluster-mlp.yaml", [Json("""{"architecture":"cluster-mlp","dataset":"mnist","encoding_dim":100,"hidden_sizes":[256],"lr":0.01,"batch_size":100,"epochs":20,"seed":1}""")] },
    };

    [Theory]
    [MemberData(nameof(Recipes))]
    public void A_recipe_trains_exactly_the_tutorials_numbers(string file, string[] expected)
    {
        Assert.Equal(expected, Trials(Parse(file)).Select(HyperparametersJson.Serialize));
    }

    [Fact]
    public void The_clustering_recipe_maximises_nmi()
    {
        var spec = Parse("cluster-mlp.yaml");
        Assert.Equal("nmi", spec.Metric);
        Assert.True(spec.Maximize);
    }

    [Fact]
    public void The_quick_sweep_is_small_varied_and_the_same_in_json()
    {
        var spec = Parse("quick.yaml");
        var trials = Trials(spec);

        Assert.InRange(trials.Count, 6, 8);
        Assert.Superset(new HashSet<string> { "linear", "deep-mlp", "denoise-mlp", "conv-denoise" }, trials.Select(t => t.Architecture).ToHashSet());
        Assert.All(trials, t =>
        {
            Assert.Equal("fashion-mnist", t.Dataset);
            Assert.InRange(t.Limit!.Value, 1000, 3000);
            Assert.InRange(t.Epochs!.Value, 1, 2);
        });
        Assert.Equal(spec with { Name = "quick-json" }, Parse("quick.json"));
    }

    private static SweepSpec Parse(string file) =>
        SweepSpecParser.Parse(File.ReadAllText(Path.Combine(ExamplesDirectory, file)), file);

    private static IReadOnlyList<Hyperparameters> Trials(SweepSpec spec) =>
        // A TPE sweep creates none up front; its start-up draws stand for its trials.
        SamplerFactory.Create(spec).Next([], spec.Search == SearchKind.Tpe ? spec.Trials!.Value : spec.InitialTrialCount);

    /// <summary>Normalises expected JSON to the canonical key order, so the table above can list keys as the tutorials do.</summary>
    private static string Json(string json) => HyperparametersJson.Serialize(HyperparametersJson.Deserialize(json));

    /// <summary>examples/ at the repository root: walk up from the test binaries until a folder holds AeGrid.sln.</summary>
    private static string FindExamples()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AeGrid.sln")))
                return Path.Combine(directory.FullName, "examples");
        }
        throw new DirectoryNotFoundException($"no AeGrid.sln above {AppContext.BaseDirectory}; cannot find examples/");
    }
}
