using AeGrid.Models.Architectures;
using AeGrid.Models.Clustering;
using AeGrid.Models.Data;
using static TorchSharp.torch;

namespace AeGrid.Models.Training;

/// <summary>
/// The first test images and what the model made of them; pixel arrays are row-major, Count × Rows × Columns.
/// <see cref="NoisyInputs"/> is what a denoiser was given (null when the config adds no noise).
/// </summary>
public sealed record ReconstructionSamples(int Count, int Rows, int Columns, byte[] Labels, float[] Originals, float[]? NoisyInputs, float[] Reconstructions);

/// <summary>Codes of test images (Count × Dimensions, row-major) with their labels, e.g. for a latent-space scatter plot.</summary>
public sealed record LatentCodes(int Count, int Dimensions, float[] Codes, byte[] Labels);

/// <summary>k-means clusters of the test codes (as cluster-mlp's epochs compute them) with the labels and scores.</summary>
public sealed record ClusterAssignments(int Count, int[] Clusters, byte[] Labels, double Nmi, double Accuracy);

/// <summary>Plain arrays for pictures and reports; no rendering here. Test noise is the same as in training's evaluation.</summary>
public static class ModelInspection
{
    public static ReconstructionSamples Reconstructions(TrainedModel model, Dataset data, int count)
    {
        var test = data.Test;
        count = CheckCount(count, test);
        var config = model.Config;
        using var onDevice = DeviceData.Create(data, config, model.Device, includeTrain: false);
        float[]? noisy = null;
        float[] reconstructions;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            // Built evaluation batch by evaluation batch, so a denoiser's inputs are exactly those its test MSE saw.
            var batches = new List<Tensor>();
            for (int batch = 0; batch * (long)Evaluation.BatchSize < count; batch++)
            {
                long start = batch * (long)Evaluation.BatchSize, size = Math.Min(Evaluation.BatchSize, test.Count - start);
                batches.Add(Evaluation.TestInput(onDevice.Test.narrow(0, start, size), config, batch));
            }
            var input = cat(batches, 0).narrow(0, 0, count);
            if (config.NoiseFactor > 0) noisy = ToArray(input);
            reconstructions = ToArray(model.Network.ToPixels(model.Network.forward(input), input));
        }
        return new ReconstructionSamples(count, test.Rows, test.Columns, test.Labels[..count],
            test.Pixels[..(count * test.PixelsPerImage)], noisy, reconstructions);
    }

    /// <summary>Codes of the first <paramref name="count"/> test images (all when null), from the same inputs the test MSE used.</summary>
    public static LatentCodes Codes(TrainedModel model, Dataset data, int? count = null)
    {
        var test = data.Test;
        int n = CheckCount(count ?? test.Count, test);
        var codes = TestCodes(model, data);
        return new LatentCodes(n, model.Network.CodeSize, codes.Codes![..(n * codes.CodeSize)], test.Labels[..n]);
    }

    /// <summary>k-means on all test codes, seeded as cluster-mlp's epochs are (any architecture's codes may be clustered).</summary>
    public static ClusterAssignments Clusters(TrainedModel model, Dataset data)
    {
        var codes = TestCodes(model, data);
        var quality = CodeClustering.Score(codes.Codes!, codes.Count, codes.CodeSize, data.Test.Labels, model.Config.Seed);
        return new ClusterAssignments(codes.Count, quality.Assignments, data.Test.Labels, quality.Nmi, quality.Accuracy);
    }

    static PassResult TestCodes(TrainedModel model, Dataset data)
    {
        using var onDevice = DeviceData.Create(data, model.Config, model.Device, includeTrain: false);
        return Evaluation.Pass(model.Network, onDevice.Test, model.Config, Seeds.TestNoise, collectCodes: true);
    }

    static float[] ToArray(Tensor tensor) => tensor.cpu().contiguous().data<float>().ToArray();

    static int CheckCount(int count, ImageSet test)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive");
        if (test.Rows != Autoencoder.ImageSide || test.Columns != Autoencoder.ImageSide)
            throw new ArgumentException($"test images are {test.Rows}×{test.Columns}; the architectures need {Autoencoder.ImageSide}×{Autoencoder.ImageSide}");
        return Math.Min(count, test.Count);
    }
}
