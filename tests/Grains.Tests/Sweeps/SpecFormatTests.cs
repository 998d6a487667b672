using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

/// <summary>JSON or YAML is decided from the text, never from the name: the store re-parses a sweep under its own name.</summary>
public sealed class SpecFormatTests
{
    private const string Yaml = "name: sweep.json\narchitecture: linear\nepochs: 2\n";
    private const string Json = """{"name": "sweep.yaml", "architecture": "linear", "epochs": 2}""";

    [Theory]
    [InlineData("sweep.json")]
    [InlineData("sweep.yaml")]
    [InlineData("stored")]
    public void The_same_text_parses_the_same_under_any_name(string sourceName)
    {
        Assert.Equal("sweep.json", SweepSpecParser.Parse(Yaml, sourceName).Name);
        Assert.Equal("sweep.yaml", SweepSpecParser.Parse(Json, sourceName).Name);
        Assert.Equal("sweep.yaml", SweepSpecParser.Parse("// made by a tool\n" + Json, sourceName).Name);
    }

    [Fact]
    public void A_yaml_flow_mapping_with_plain_keys_stays_yaml()
    {
        Assert.Equal("flow", SweepSpecParser.Parse("{name: flow, architecture: linear}", "flow.json").Name);
    }

    [Fact]
    public void Json_errors_are_still_json_errors_with_positions()
    {
        var error = Assert.Throws<SweepSpecException>(() => SweepSpecParser.Parse("{\n  \"name\": x\n}", "x.yaml"));
        Assert.StartsWith("x.yaml:2:", error.Message);
    }
}
