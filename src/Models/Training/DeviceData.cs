using AeGrid.Models.Architectures;
using AeGrid.Models.Data;
using static TorchSharp.torch;

namespace AeGrid.Models.Training;

/// <summary>A dataset's pixels as N×784 float tensors on the training device, made once per run.</summary>
internal sealed class DeviceData : IDisposable
{
    public required Dataset Source { get; init; }
    /// <summary>The training images in use (after the config's limit); null when only the test split was asked for.</summary>
    public ImageSet? TrainSet { get; init; }
    public Tensor? Train { get; init; }
    public required Tensor Test { get; init; }

    public static DeviceData Create(Dataset data, Hyperparameters config, Device device, bool includeTrain)
    {
        CheckShape(data, data.Train);
        CheckShape(data, data.Test);
        var trainSet = config.Limit is { } limit ? data.Train.Take(limit) : data.Train;
        return new DeviceData
        {
            Source = data,
            TrainSet = includeTrain ? trainSet : null,
            Train = includeTrain ? ToTensor(trainSet, device) : null,
            Test = ToTensor(data.Test, device),
        };
    }

    static Tensor ToTensor(ImageSet images, Device device) =>
        tensor(images.Pixels, [images.Count, images.PixelsPerImage], float32, device);

    static void CheckShape(Dataset data, ImageSet images)
    {
        if (images.Rows != Autoencoder.ImageSide || images.Columns != Autoencoder.ImageSide)
            throw new ArgumentException(
                $"dataset {data.Name}: images are {images.Rows}×{images.Columns}; the architectures need {Autoencoder.ImageSide}×{Autoencoder.ImageSide}");
        if (images.Pixels.Length != (long)images.Count * images.PixelsPerImage)
            throw new ArgumentException($"dataset {data.Name}: {images.Pixels.Length} pixels do not make {images.Count} images of {images.Rows}×{images.Columns}");
    }

    public void Dispose()
    {
        Train?.Dispose();
        Test.Dispose();
    }
}
