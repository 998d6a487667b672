using System.Diagnostics;
using AeGrid.Models.Architectures;
using AeGrid.Models.Clustering;
using static TorchSharp.torch;

namespace AeGrid.Models.Training;

/// <summary>One no-grad pass of a model over a set of images.</summary>
internal sealed record PassResult(int Count, double Mse, double? NoisyInputMse, float[]? Codes, int CodeSize);

/// <summary>
/// Test-split measurements shared by the training loop, <see cref="Trainer.Evaluate"/> and exported models, so
/// they all report the same numbers: fixed evaluation batches, and for denoisers test noise drawn per evaluation
/// batch from the seed alone (identical every epoch).
/// </summary>
internal static class Evaluation
{
    /// <summary>Independent of the training batch size, so the evaluation sums always run in the same order.</summary>
    public const int BatchSize = 500;

    /// <param name="noiseForBatch">The generator of a denoiser's noise, from (seed, evaluation batch).</param>
    public static PassResult Pass(Autoencoder model, Tensor images, Hyperparameters config, Func<long, int, Generator> noiseForBatch, bool collectCodes)
    {
        long count = images.shape[0];
        double squaredErrors = 0, noisySquaredErrors = 0;
        bool noisy = config.NoiseFactor > 0;
        var codes = collectCodes ? new float[count * model.CodeSize] : null;
        using var _ = no_grad();
        model.eval();
        try
        {
            for (int batch = 0; batch * (long)BatchSize < count; batch++)
            {
                using var scope = NewDisposeScope();
                long start = batch * (long)BatchSize, size = Math.Min(BatchSize, count - start);
                var clean = images.narrow(0, start, size);
                var input = Input(clean, config, batch, noiseForBatch);
                if (noisy) noisySquaredErrors += nn.functional.mse_loss(input, clean).item<float>() * (double)size;
                var reconstruction = model.ToPixels(model.forward(input), input);
                squaredErrors += nn.functional.mse_loss(reconstruction, clean).item<float>() * (double)size;
                if (codes is not null)
                {
                    var batchCodes = model.Encode(input).cpu().contiguous();
                    batchCodes.data<float>().CopyTo(codes.AsSpan((int)(start * model.CodeSize), (int)(size * model.CodeSize)));
                }
            }
        }
        finally
        {
            model.train();
        }
        return new PassResult((int)count, squaredErrors / count, noisy ? noisySquaredErrors / count : null, codes, model.CodeSize);
    }

    /// <summary>What the model is given for test evaluation batch <paramref name="batch"/>: the images, or for a denoiser the images with that batch's seeded noise.</summary>
    public static Tensor TestInput(Tensor clean, Hyperparameters config, int batch) => Input(clean, config, batch, Seeds.TestNoise);

    static Tensor Input(Tensor clean, Hyperparameters config, int batch, Func<long, int, Generator> noiseForBatch)
    {
        if (!(config.NoiseFactor > 0)) return clean;
        using var generator = noiseForBatch(config.Seed, batch);
        return InputNoise.Apply(clean, config.NoiseFactor.Value, config.ClipNoise!.Value, generator);
    }

    /// <summary>An epoch's metrics: the training figures passed in, the test figures measured here.</summary>
    public static EpochMetrics Measure(Autoencoder model, Hyperparameters config, DeviceData data, int epoch,
        double trainMse, double samplesPerSecond, double trainingSeconds)
    {
        var clock = Stopwatch.StartNew();
        var architecture = ArchitectureRegistry.Get(config.Architecture);
        var test = Pass(model, data.Test, config, Seeds.TestNoise, architecture.ReportsClustering);
        var metrics = new EpochMetrics
        {
            Epoch = epoch,
            TrainMse = trainMse,
            TestMse = test.Mse,
            SamplesPerSecond = samplesPerSecond,
            WallSeconds = 0,
        };
        if (test.NoisyInputMse is { } noisyMse)
            metrics = metrics with { TestPsnr = Psnr(test.Mse), NoisyInputMse = noisyMse, NoisyInputPsnr = Psnr(noisyMse) };
        if (test.Codes is not null)
        {
            var labels = data.Source.Test.Labels;
            var codes = CodeClustering.Score(test.Codes, test.Count, test.CodeSize, labels, config.Seed);
            var baseline = CodeClustering.RawPixelBaseline(data.Source.Test, config.Seed);
            metrics = metrics with
            {
                Nmi = codes.Nmi, ClusterAccuracy = codes.Accuracy,
                BaselineNmi = baseline.Nmi, BaselineClusterAccuracy = baseline.Accuracy,
            };
        }
        return metrics with { WallSeconds = trainingSeconds + clock.Elapsed.TotalSeconds };
    }

    /// <summary>Peak signal-to-noise ratio of [0,1] images: 10·log10(1/MSE) decibels.</summary>
    public static double Psnr(double mse) => 10 * Math.Log10(1 / mse);
}
