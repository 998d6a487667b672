using AeGrid.Models.Training;

namespace AeGrid.Client.Report;

/// <summary>The denoising tutorials' figure: clean test images, the noisy copies the model was given, what it made of them.</summary>
internal static class DenoisingPicture
{
    public const string FileName = "denoising.png";

    public static Picture Create(ReconstructionSamples samples, Hyperparameters config, GridLayout layout)
    {
        var noisy = samples.NoisyInputs
                    ?? throw new ArgumentException("the samples hold no noisy inputs: the config adds no noise", nameof(samples));
        var side = samples.Rows;
        List<ReadOnlyMemory<float>?> Row(float[] images) =>
            Enumerable.Range(0, samples.Count).Select(i => (ReadOnlyMemory<float>?)ImageGrid.Tile(images, i, side)).ToList();
        var image = ImageGrid.Compose([Row(samples.Originals), Row(noisy), Row(samples.Reconstructions)], samples.Count, side, layout);
        // Unclipped Gaussian noise leaves [0,1]; the picture can only show the clamped values.
        var clipping = config.ClipNoise == true ? "clipped to [0,1]" : "not clipped; shown clamped to [0,1]";
        return new Picture(FileName, "denoising", "Denoising",
            $"Top: the first {samples.Count} clean test images. Middle: the noisy inputs (Gaussian noise, factor " +
            $"{config.NoiseFactor?.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {clipping}). Bottom: the model's output.",
            image);
    }
}
