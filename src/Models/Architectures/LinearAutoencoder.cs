using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AeGrid.Models.Architectures;

/// <summary>
/// `linear`: one fully connected layer each way. Encoder Linear(784→d) + ReLU, decoder Linear(d→784) + sigmoid
/// (the "simple autoencoder" tutorial, d=32).
/// </summary>
public sealed class LinearAutoencoder : Autoencoder
{
    private readonly Linear encoder;
    private readonly Linear decoder;

    public LinearAutoencoder(int encodingDim) : base("linear")
    {
        CodeSize = encodingDim;
        encoder = Linear(PixelCount, encodingDim);
        decoder = Linear(encodingDim, PixelCount);
        RegisterComponents();
    }

    public override int CodeSize { get; }

    public override Tensor Encode(Tensor pixels)
    {
        using var hidden = encoder.forward(pixels);
        return functional.relu(hidden);
    }

    public override Tensor forward(Tensor pixels)
    {
        using var code = Encode(pixels);
        using var logits = decoder.forward(code);
        return functional.sigmoid(logits);
    }
}
