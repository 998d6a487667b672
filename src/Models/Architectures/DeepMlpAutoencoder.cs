using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AeGrid.Models.Architectures;

/// <summary>
/// `deep-mlp`: 784→128→64→12→d with ReLU between layers and none on the code, mirrored back to 784 with a final
/// sigmoid (the PyTorch Fashion-MNIST tutorial, d=3, whose codes are plotted as a 3-D latent space).
/// The hidden sizes (default 128, 64, 12) may be changed; the decoder mirrors them.
/// </summary>
public sealed class DeepMlpAutoencoder : Autoencoder
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;

    public DeepMlpAutoencoder(IReadOnlyList<int> hiddenSizes, int encodingDim) : base("deep-mlp")
    {
        CodeSize = encodingDim;
        int[] widths = [PixelCount, .. hiddenSizes, encodingDim];
        encoder = Stack(widths, finalActivation: null);
        decoder = Stack(widths.Reverse().ToArray(), finalActivation: Sigmoid());
        RegisterComponents();
    }

    public override int CodeSize { get; }

    public override Tensor Encode(Tensor pixels) => encoder.forward(pixels);

    public override Tensor forward(Tensor pixels)
    {
        using var code = encoder.forward(pixels);
        return decoder.forward(code);
    }

    // Linear layers through the widths with ReLU between them; after the last, finalActivation (if any).
    static Sequential Stack(int[] widths, Module<Tensor, Tensor>? finalActivation)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            layers.Add(($"linear{i}", Linear(widths[i], widths[i + 1])));
            bool last = i + 2 == widths.Length;
            if (!last) layers.Add(($"relu{i}", ReLU()));
            else if (finalActivation is not null) layers.Add(("output", finalActivation));
        }
        return Sequential(layers);
    }
}
