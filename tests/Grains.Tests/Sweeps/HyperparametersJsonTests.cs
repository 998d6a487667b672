using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Tests.Sweeps;

public sealed class HyperparametersJsonTests
{
    private static readonly Hyperparameters Full = new()
    {
        Architecture = "denoise-mlp",
        EncodingDim = 64,
        HiddenSizes = [256, 128],
        NoiseFactor = 0.6,
        ClipNoise = false,
        LearningRate = 0.001,
        Optimizer = "adam",
        BatchSize = 100,
        Epochs = 20,
        Seed = 42,
        Dataset = "fashion-mnist",
        Limit = 2000,
    };

    [Fact]
    public void Keys_are_snake_case_in_catalog_order()
    {
        Assert.Equal(
            """{"architecture":"denoise-mlp","dataset":"fashion-mnist","limit":2000,"encoding_dim":64,"hidden_sizes":[256,128],"noise_factor":0.6,"clip_noise":false,"lr":0.001,"optimizer":"adam","batch_size":100,"epochs":20,"seed":42}""",
            HyperparametersJson.Serialize(Full));
    }

    [Fact]
    public void Nulls_are_left_out()
    {
        Assert.Equal("""{"architecture":"linear","seed":1}""", HyperparametersJson.Serialize(new Hyperparameters { Architecture = "linear" }));
    }

    [Fact]
    public void Deserialize_reverses_serialize_in_any_key_order()
    {
        var text = HyperparametersJson.Serialize(Full);
        Assert.Equal(text, HyperparametersJson.Serialize(HyperparametersJson.Deserialize(text)));

        var shuffled = HyperparametersJson.Deserialize("""{"seed": 3, "lr": 1e-4, "architecture": "linear", "clip_noise": null}""");
        Assert.Equal(new Hyperparameters { Architecture = "linear", Seed = 3, LearningRate = 1e-4 }, shuffled);
    }

    [Fact]
    public void Doubles_round_trip_exactly()
    {
        var awkward = new Hyperparameters { Architecture = "linear", LearningRate = 0.1 + 0.2, NoiseFactor = 1.0 / 3 };
        var back = HyperparametersJson.Deserialize(HyperparametersJson.Serialize(awkward));
        Assert.Equal(awkward.LearningRate, back.LearningRate);
        Assert.Equal(awkward.NoiseFactor, back.NoiseFactor);
    }

    [Theory]
    [InlineData("""{"seed": 1}""", "'architecture' is required")]
    [InlineData("""{"architecture": "linear", "epoch": 3}""", "unknown key 'epoch'")]
    [InlineData("""{"architecture": "linear", "epochs": "3"}""", "'epochs' must be an integer, got \"3\"")]
    [InlineData("""{"architecture": "linear", "epochs": 2.5}""", "'epochs' must be an integer, got 2.5")]
    [InlineData("""{"architecture": "linear", "hidden_sizes": [1.5]}""", "'hidden_sizes' must be a list of layer sizes")]
    [InlineData("""{"architecture": "linear", "batch_size": 4294967296}""", "'batch_size' must be an integer, got 4294967296")]
    [InlineData("""[1]""", "must be an object")]
    [InlineData("""{"architecture": """, "not valid JSON")]
    public void Bad_json_names_the_key(string json, string message)
    {
        var error = Assert.Throws<FormatException>(() => HyperparametersJson.Deserialize(json));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Out_of_range_values_read_and_the_range_check_names_them()
    {
        // Reading is structural only: a stored trial with a bad value must read so that it can fail with its error stored.
        var read = HyperparametersJson.Deserialize("""{"architecture": "linear", "batch_size": 0}""");

        var error = Assert.Throws<InvalidHyperparameterException>(() => HyperparameterCatalog.CheckRanges(read));
        Assert.Contains("batch_size: must be at least 1, got 0", error.Message);
    }
}
