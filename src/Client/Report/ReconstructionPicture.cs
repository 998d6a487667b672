using AeGrid.Models.Training;

namespace AeGrid.Client.Report;

/// <summary>The tutorials' first figure: test images on top, the model's reconstructions of them below.</summary>
internal static class ReconstructionPicture
{
    public const string FileName = "reconstructions.png";

    public static Picture Create(ReconstructionSamples samples, GridLayout layout)
    {
        var side = samples.Rows;
        var originals = Enumerable.Range(0, samples.Count).Select(i => (ReadOnlyMemory<float>?)ImageGrid.Tile(samples.Originals, i, side)).ToList();
        var outputs = Enumerable.Range(0, samples.Count).Select(i => (ReadOnlyMemory<float>?)ImageGrid.Tile(samples.Reconstructions, i, side)).ToList();
        var image = ImageGrid.Compose([originals, outputs], samples.Count, side, layout);
        var from = samples.NoisyInputs is null ? "them" : "noisy copies of them (see the denoising picture)";
        return new Picture(FileName, "reconstructions", "Reconstructions",
            $"Top: the first {samples.Count} test images. Bottom: the model's reconstructions of {from}.", image);
    }
}
