using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AeGrid.Models.Architectures;

/// <summary>
/// `cluster-mlp`: the "autoencoder, then k-means on the codes" tutorial. Each image is standardised on its own
/// (minus its mean, over its standard deviation); encoder 784→256→d with ReLU after each layer, decoder
/// d→256 (ReLU)→784 with no output activation, trained against the standardised clean image. Pixel-space
/// reconstructions undo the standardisation with the input's own mean and deviation.
/// </summary>
public sealed class ClusteringMlpAutoencoder : Autoencoder
{
    // Guards the division for a blank (constant) image, whose deviation is zero. A field, not an implicit
    // conversion, so the native Scalar outlives every call that reads it (see NativeScalars).
    static readonly Scalar MinimumDeviation = 1e-6.ToScalar();

    private readonly Sequential encoder;
    private readonly Sequential decoder;

    public ClusteringMlpAutoencoder(IReadOnlyList<int> hiddenSizes, int encodingDim) : base("cluster-mlp")
    {
        CodeSize = encodingDim;
        int[] widths = [PixelCount, .. hiddenSizes, encodingDim];
        var encoderLayers = new List<(string, Module<Tensor, Tensor>)>();
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            encoderLayers.Add(($"linear{i}", Linear(widths[i], widths[i + 1])));
            encoderLayers.Add(($"relu{i}", ReLU()));
        }
        var mirrored = widths.Reverse().ToArray();
        var decoderLayers = new List<(string, Module<Tensor, Tensor>)>();
        for (int i = 0; i + 1 < mirrored.Length; i++)
        {
            decoderLayers.Add(($"linear{i}", Linear(mirrored[i], mirrored[i + 1])));
            if (i + 2 < mirrored.Length) decoderLayers.Add(($"relu{i}", ReLU()));
        }
        encoder = Sequential(encoderLayers);
        decoder = Sequential(decoderLayers);
        RegisterComponents();
    }

    public override int CodeSize { get; }

    public override bool OutputsPixels => false;

    public override Tensor Encode(Tensor pixels)
    {
        using var standardised = Standardise(pixels);
        return encoder.forward(standardised);
    }

    public override Tensor forward(Tensor pixels)
    {
        using var code = Encode(pixels);
        return decoder.forward(code);
    }

    public override Tensor TrainingTarget(Tensor cleanPixels) => Standardise(cleanPixels);

    public override Tensor ToPixels(Tensor output, Tensor input)
    {
        using var scope = NewDisposeScope();
        var (deviation, mean) = Statistics(input);
        return output.mul(deviation).add(mean, NativeScalars.One).MoveToOuterDisposeScope();
    }

    static Tensor Standardise(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var (deviation, mean) = Statistics(pixels);
        return ((pixels - mean) / deviation).MoveToOuterDisposeScope();
    }

    // Per image (row): population standard deviation, as numpy's std, and mean; both N×1.
    static (Tensor Deviation, Tensor Mean) Statistics(Tensor pixels)
    {
        var (deviation, mean) = pixels.std_mean(1, unbiased: false, keepdim: true);
        return (deviation.clamp_min(MinimumDeviation), mean);
    }
}
