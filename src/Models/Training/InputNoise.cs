using TorchSharp;
using static TorchSharp.torch;

namespace AeGrid.Models.Training;

/// <summary>Gaussian input corruption for denoising: x + factor·N(0,1), optionally clipped back to [0,1].</summary>
internal static class InputNoise
{
    public static Tensor Apply(Tensor clean, double factor, bool clip, Generator generator)
    {
        using var scope = NewDisposeScope();
        // An explicit Scalar that outlives the calls (see NativeScalars).
        using var scale = factor.ToScalar();
        // Drawn on the CPU generator, then moved: the same seed corrupts the same way on every device.
        var noise = randn(clean.shape, generator: generator);
        if (noise.device_type != clean.device_type) noise = noise.to(clean.device);
        var noisy = clean.add(noise, scale);
        // In place on the tensor made here: the same numbers with one allocation fewer per batch.
        if (clip) noisy.clamp_(NativeScalars.Zero, NativeScalars.One);
        return noisy.MoveToOuterDisposeScope();
    }
}
