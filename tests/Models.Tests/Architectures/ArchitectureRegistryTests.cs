using AeGrid.Models.Architectures;
using AeGrid.Models.Training;
using static TorchSharp.torch;

namespace AeGrid.Models.Tests.Architectures;

public sealed class ArchitectureRegistryTests
{
    [Fact]
    public void Knows_the_five_tutorial_architectures()
    {
        Assert.Equal(["linear", "deep-mlp", "denoise-mlp", "conv-denoise", "cluster-mlp"], ArchitectureRegistry.Names);
    }

    [Fact]
    public void Defaults_reproduce_each_tutorial()
    {
        var linear = new Hyperparameters { Architecture = "linear" }.WithDefaults();
        Assert.Equal((32, 1e-3, "adam", 20, 20, "mnist", 0.0, false),
            (linear.EncodingDim, linear.LearningRate, linear.Optimizer, linear.BatchSize, linear.Epochs, linear.Dataset, linear.NoiseFactor, linear.Shuffle));

        var deep = new Hyperparameters { Architecture = "deep-mlp" }.WithDefaults();
        Assert.Equal((3, 5e-3, 64, 10, "fashion-mnist", true), (deep.EncodingDim, deep.LearningRate, deep.BatchSize, deep.Epochs, deep.Dataset, deep.Shuffle));
        Assert.Equal([128, 64, 12], deep.HiddenSizes!);

        var denoise = new Hyperparameters { Architecture = "denoise-mlp" }.WithDefaults();
        Assert.Equal((128, 0.6, false, 0.01, 100, 20), (denoise.EncodingDim, denoise.NoiseFactor, denoise.ClipNoise, denoise.LearningRate, denoise.BatchSize, denoise.Epochs));
        Assert.Equal([256, 128], denoise.HiddenSizes!);

        var conv = new Hyperparameters { Architecture = "conv-denoise" }.WithDefaults();
        Assert.Equal((72, 0.5, true, 1e-3, 20, 20, "mnist"), (conv.EncodingDim, conv.NoiseFactor, conv.ClipNoise, conv.LearningRate, conv.BatchSize, conv.Epochs, conv.Dataset));
        Assert.Null(conv.HiddenSizes);

        var cluster = new Hyperparameters { Architecture = "cluster-mlp" }.WithDefaults();
        Assert.Equal((100, 0.01, 100, 20, 0.0), (cluster.EncodingDim, cluster.LearningRate, cluster.BatchSize, cluster.Epochs, cluster.NoiseFactor));
        Assert.Equal([256], cluster.HiddenSizes!);
    }

    [Fact]
    public void Given_values_survive_WithDefaults()
    {
        var config = new Hyperparameters { Architecture = "linear", EncodingDim = 8, LearningRate = 0.5, Optimizer = "sgd", Shuffle = true }.WithDefaults();

        Assert.Equal((8, 0.5, "sgd", true), (config.EncodingDim, config.LearningRate, config.Optimizer, config.Shuffle));
    }

    [Fact]
    public void Denoising_mlp_code_is_its_last_hidden_layer()
    {
        var oneLayer = new Hyperparameters { Architecture = "denoise-mlp", HiddenSizes = [256] }.WithDefaults();
        Assert.Equal(256, oneLayer.EncodingDim);
        using var oneLayerModel = ArchitectureRegistry.Create(oneLayer);
        Assert.Equal(256, oneLayerModel.CodeSize);

        using var replaced = ArchitectureRegistry.Create(new Hyperparameters { Architecture = "denoise-mlp", EncodingDim = 64 });
        Assert.Equal(64, replaced.CodeSize);
        Assert.Equal([784 * 256 + 256, 256 * 64 + 64, 64 * 256 + 256, 256 * 784 + 784],
            replaced.parameters().Chunk(2).Select(pair => pair.Sum(p => p.numel())));
    }

    [Theory]
    [InlineData("linear", 32)]
    [InlineData("deep-mlp", 3)]
    [InlineData("denoise-mlp", 128)]
    [InlineData("conv-denoise", 72)]
    [InlineData("cluster-mlp", 100)]
    public void Forward_maps_images_to_images_and_Encode_gives_codes(string architecture, int codeSize)
    {
        using var model = ArchitectureRegistry.Create(new Hyperparameters { Architecture = architecture });
        using var scope = NewDisposeScope();
        var images = rand(5, 784);

        var output = model.forward(images);
        var codes = model.Encode(images);

        Assert.Equal([5L, 784L], output.shape);
        Assert.Equal([5L, (long)codeSize], codes.shape);
        Assert.Equal(codeSize, model.CodeSize);
        Assert.Equal([5L, 784L], model.ToPixels(output, images).shape);
    }

    [Fact]
    public void Linear_layers_are_784_to_d_and_back()
    {
        using var model = ArchitectureRegistry.Create(new Hyperparameters { Architecture = "linear", EncodingDim = 16 });

        Assert.Equal(["encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"], model.named_parameters().Select(p => p.name));
        Assert.Equal([16L, 784L], model.named_parameters().First().parameter.shape);
    }

    [Fact]
    public void Conv_denoiser_has_the_tutorial_layers_in_call_order()
    {
        using var model = ArchitectureRegistry.Create(new Hyperparameters { Architecture = "conv-denoise" });

        var weights = model.named_parameters().Where(p => p.name.EndsWith(".weight")).Select(p => (p.name, string.Join("×", p.parameter.shape)));
        Assert.Equal(
        [
            ("conv1.weight", "32×1×3×3"), ("conv2.weight", "16×32×3×3"), ("conv3.weight", "8×16×3×3"),
            ("t_conv1.weight", "8×8×3×3"), ("t_conv2.weight", "8×16×2×2"), ("t_conv3.weight", "16×32×2×2"),
            ("conv_out.weight", "1×32×3×3"),
        ], weights);
    }

    [Fact]
    public void Seeded_initialisation_depends_only_on_the_generator()
    {
        using var first = ArchitectureRegistry.Create(new Hyperparameters { Architecture = "deep-mlp" });
        using var second = ArchitectureRegistry.Create(new Hyperparameters { Architecture = "deep-mlp" });
        using (var generator = new Generator(42)) first.InitializeParameters(generator);
        using (var generator = new Generator(42)) second.InitializeParameters(generator);

        foreach (var (a, b) in first.parameters().Zip(second.parameters()))
            Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        // PyTorch's default bound for Linear(784→128): 1/√784.
        var firstWeight = first.parameters().First();
        Assert.InRange(firstWeight.abs().max().item<float>(), 0.02f, 1f / 28f);
    }

    [Fact]
    public void Denoising_mlp_starts_with_weights_and_biases_uniform_in_plus_minus_one()
    {
        using var model = ArchitectureRegistry.Create(new Hyperparameters { Architecture = "denoise-mlp" });
        using var generator = new Generator(3);
        model.InitializeParameters(generator);

        foreach (var parameter in model.parameters())
        {
            Assert.InRange(parameter.abs().max().item<float>(), 0.9f, 1f);
        }
    }

    [Fact]
    public void Cluster_mlp_trains_against_the_standardised_image_and_maps_back_to_pixels()
    {
        using var model = ArchitectureRegistry.Create(new Hyperparameters { Architecture = "cluster-mlp" });
        using var scope = NewDisposeScope();
        var images = rand(4, 784);

        var target = model.TrainingTarget(images);

        Assert.False(model.OutputsPixels);
        foreach (var row in target.data<float>().ToArray().Chunk(784))
        {
            double mean = row.Average(), deviation = Math.Sqrt(row.Average(x => (x - mean) * (x - mean)));
            Assert.Equal(0, mean, 5);
            Assert.Equal(1, deviation, 4);
        }
        Assert.True(model.ToPixels(target, images).allclose(images, rtol: 1e-4, atol: 1e-5));
    }
}
