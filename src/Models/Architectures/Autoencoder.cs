using TorchSharp;
using static TorchSharp.torch;

namespace AeGrid.Models.Architectures;

/// <summary>
/// What the training loop needs from every architecture. Inputs and outputs are batches of flattened images
/// (N×784, pixels in [0,1] plus any noise); architectures that work on another shape reshape inside.
/// </summary>
public abstract class Autoencoder : nn.Module<Tensor, Tensor>
{
    public const int ImageSide = 28;
    public const int PixelCount = ImageSide * ImageSide;

    protected Autoencoder(string name) : base(name) { }

    /// <summary>The code (latent vector) of each image: N×<see cref="CodeSize"/>.</summary>
    public abstract Tensor Encode(Tensor pixels);

    /// <summary>Length of one code.</summary>
    public abstract int CodeSize { get; }

    /// <summary>
    /// What the output is trained to match, given the clean images. The images themselves, except for an
    /// architecture that works in another space (cluster-mlp standardises each image).
    /// </summary>
    public virtual Tensor TrainingTarget(Tensor cleanPixels) => cleanPixels;

    /// <summary>The reconstruction in pixel space, from this model's output for <paramref name="input"/>.</summary>
    public virtual Tensor ToPixels(Tensor output, Tensor input) => output;

    /// <summary>True when <see cref="ToPixels"/> is the identity, so the training loss already is the pixel MSE.</summary>
    public virtual bool OutputsPixels => true;

    /// <summary>
    /// Draws every weight and bias from <paramref name="generator"/>, so initial weights depend on the trial's seed
    /// only (not on torch's global RNG, which concurrent trials share). PyTorch's default distributions unless the
    /// tutorial says otherwise.
    /// </summary>
    public virtual void InitializeParameters(Generator generator) => ParameterInitialization.PyTorchDefault(this, generator);
}
