using System.Text;
using AeGrid.Models.Architectures;
using AeGrid.Models.Training;
using AeGrid.Models.Training.Optimizers;
using static TorchSharp.torch;

namespace AeGrid.Models.Tests.Training.Optimizers;

/// <summary>Our Adam and SGD against TorchSharp's torch.optim on the same model, gradients and steps.</summary>
public sealed class ParameterOptimizerTests
{
    [Theory]
    [InlineData("adam", 5e-3)]
    [InlineData("sgd", 0.5)]
    public void Matches_torch_optim_step_for_step(string name, double learningRate)
    {
        using var ours = NewModel();
        using var theirs = NewModel();
        using var optimizer = ParameterOptimizer.Create(name, ours.parameters(), learningRate);
        var reference = name == "adam"
            ? (TorchSharp.Modules.OptimizerHelper)optim.Adam(theirs.parameters(), lr: learningRate)
            : optim.SGD(theirs.parameters(), learningRate);
        using var generator = new Generator(5);
        using var images = rand(new long[] { 16, 784 }, generator: generator);

        for (int step = 0; step < 5; step++)
        {
            TrainStep(ours, images, optimizer.ZeroGrad, optimizer.Step);
            TrainStep(theirs, images, reference.zero_grad, () => reference.step());
        }

        foreach (var (a, b) in ours.parameters().Zip(theirs.parameters()))
            Assert.Equal(b.data<float>().ToArray(), a.data<float>().ToArray());
        reference.Dispose();
    }

    /// <summary>
    /// The flat buffers over a model with many parameters (deep-mlp: 16) against torch.optim.Adam's per-parameter
    /// loop, over 10 steps: equal within float rounding, and the parameters are still the model's own (the
    /// forward pass sees every update).
    /// </summary>
    [Fact]
    public void Flat_adam_matches_torch_optim_on_a_deep_model()
    {
        using var ours = NewDeepModel();
        using var theirs = NewDeepModel();
        using var optimizer = ParameterOptimizer.Create("adam", ours.parameters(), 5e-3);
        using var reference = optim.Adam(theirs.parameters(), lr: 5e-3);
        using var generator = new Generator(7);
        using var images = rand(new long[] { 32, 784 }, generator: generator);
        using var before = ours.forward(images).detach();

        for (int step = 0; step < 10; step++)
        {
            TrainStep(ours, images, optimizer.ZeroGrad, optimizer.Step);
            TrainStep(theirs, images, reference.zero_grad, () => reference.step());
        }

        Assert.Equal(16, ours.parameters().Count());
        foreach (var (a, b) in ours.parameters().Zip(theirs.parameters()))
            Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-6), $"parameter {string.Join("×", a.shape)} differs from torch.optim.Adam's");
        using var after = ours.forward(images);
        Assert.False(after.allclose(before), "the model's output did not change: the optimiser updated a copy");
        using var theirsAfter = theirs.forward(images);
        Assert.True(after.allclose(theirsAfter, rtol: 1e-5, atol: 1e-6));
    }

    /// <summary>
    /// Loading weights into a model whose optimiser already exists (as a "start from these weights" option might)
    /// writes into the flat buffer: the optimiser then trains the loaded weights, not stale copies.
    /// </summary>
    [Fact]
    public void Weights_loaded_after_the_optimiser_is_made_are_the_ones_it_trains()
    {
        using var source = NewDeepModel();
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) source.save(writer);
        using var model = new DeepMlpAutoencoder([128, 64, 12], 3);
        using var optimizer = ParameterOptimizer.Create("adam", model.parameters(), 5e-3);
        stream.Position = 0;
        using (var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true)) model.load(reader);
        foreach (var (a, b) in model.parameters().Zip(source.parameters()))
            Assert.Equal(b.data<float>().ToArray(), a.data<float>().ToArray());

        using var images = rand(8, 784);
        TrainStep(model, images, optimizer.ZeroGrad, optimizer.Step);
        using var reference = optim.Adam(source.parameters(), lr: 5e-3);
        TrainStep(source, images, reference.zero_grad, () => reference.step());

        foreach (var (a, b) in model.parameters().Zip(source.parameters()))
            Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-6), "the optimiser did not train the loaded weights");
    }

    [Fact]
    public void Saved_state_restores_the_same_trajectory()
    {
        using var model = NewModel();
        using var optimizer = ParameterOptimizer.Create("adam", model.parameters(), 1e-2);
        using var images = rand(8, 784);
        TrainStep(model, images, optimizer.ZeroGrad, optimizer.Step);
        var state = Save(optimizer);
        using var copy = NewModel();
        foreach (var (target, source) in copy.parameters().Zip(model.parameters()))
            using (no_grad()) target.copy_(source);
        using var restored = ParameterOptimizer.Create("adam", copy.parameters(), 1e-2);
        using (var reader = new BinaryReader(new MemoryStream(state), Encoding.UTF8)) restored.Load(reader);

        TrainStep(model, images, optimizer.ZeroGrad, optimizer.Step);
        TrainStep(copy, images, restored.ZeroGrad, restored.Step);

        foreach (var (a, b) in model.parameters().Zip(copy.parameters()))
            Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
    }

    [Fact]
    public void State_for_another_optimizer_or_model_is_refused()
    {
        using var model = NewModel();
        using var adam = ParameterOptimizer.Create("adam", model.parameters(), 1e-3);
        using var sgd = ParameterOptimizer.Create("sgd", model.parameters(), 1e-3);
        using var bigger = new LinearAutoencoder(8);
        using var biggerAdam = ParameterOptimizer.Create("adam", bigger.parameters(), 1e-3);
        var adamState = Save(adam);

        Assert.Contains("for optimizer 'adam', not 'sgd'",
            Assert.Throws<InvalidDataException>(() => Load(sgd, adamState)).Message);
        Assert.Contains("has shape [4,784], the parameter [8,784]",
            Assert.Throws<InvalidDataException>(() => Load(biggerAdam, adamState)).Message);
    }

    static LinearAutoencoder NewModel()
    {
        var model = new LinearAutoencoder(4);
        using var generator = new Generator(3);
        model.InitializeParameters(generator);
        return model;
    }

    static DeepMlpAutoencoder NewDeepModel()
    {
        var model = new DeepMlpAutoencoder([128, 64, 12], 3);
        using var generator = new Generator(11);
        model.InitializeParameters(generator);
        return model;
    }

    static void TrainStep(Autoencoder model, Tensor images, Action zeroGrad, Action step)
    {
        using var scope = NewDisposeScope();
        var loss = nn.functional.mse_loss(model.forward(images), images);
        zeroGrad();
        loss.backward();
        step();
    }

    static byte[] Save(ParameterOptimizer optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) optimizer.Save(writer);
        return stream.ToArray();
    }

    static void Load(ParameterOptimizer optimizer, byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state), Encoding.UTF8);
        optimizer.Load(reader);
    }
}
