using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AeGrid.Models.Architectures;

/// <summary>
/// `denoise-mlp`: the TensorFlow denoising tutorial's sigmoid network. Encoder 784→256→128, decoder 128→256→784,
/// a sigmoid after every layer; the code is the last hidden layer. All weights and biases start uniform in
/// (−1, 1). The default noise (0.6·N(0,1), not clipped) comes from the registry's defaults, not from here.
/// </summary>
public sealed class DenoisingMlpAutoencoder : Autoencoder
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;

    /// <param name="layerSizes">Hidden widths from the input side; the last one is the code.</param>
    public DenoisingMlpAutoencoder(IReadOnlyList<int> layerSizes) : base("denoise-mlp")
    {
        CodeSize = layerSizes[^1];
        int[] widths = [PixelCount, .. layerSizes];
        encoder = SigmoidStack(widths);
        decoder = SigmoidStack(widths.Reverse().ToArray());
        RegisterComponents();
    }

    public override int CodeSize { get; }

    public override Tensor Encode(Tensor pixels) => encoder.forward(pixels);

    public override Tensor forward(Tensor pixels)
    {
        using var code = encoder.forward(pixels);
        return decoder.forward(code);
    }

    public override void InitializeParameters(Generator generator) =>
        ParameterInitialization.Uniform(this, -1, 1, generator);

    static Sequential SigmoidStack(int[] widths)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            layers.Add(($"linear{i}", Linear(widths[i], widths[i + 1])));
            layers.Add(($"sigmoid{i}", Sigmoid()));
        }
        return Sequential(layers);
    }
}
