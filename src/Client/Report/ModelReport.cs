using AeGrid.Models.Architectures;
using AeGrid.Models.Clustering;
using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Client.Report;

/// <summary>k-means on the test codes against k-means on the raw test pixels (what the codes have to beat).</summary>
internal sealed record ClusteringSummary(int TestImages, double Nmi, double Accuracy, double BaselineNmi, double BaselineAccuracy,
    IReadOnlyList<ClusterRow> Rows);

/// <summary>The pictures of one model, and the clustering scores where the architecture clusters its codes.</summary>
internal sealed record ModelReportContents(IReadOnlyList<Picture> Pictures, ClusteringSummary? Clustering);

/// <summary>
/// Decides which of the tutorials' pictures apply to a model and draws them: reconstructions always; denoising when
/// the config adds noise; the latent space when the code has at most 3 dimensions; clusters for cluster-mlp.
/// </summary>
internal static class ModelReport
{
    /// <summary>Test images in the reconstruction and denoising rows, and per cluster row, as in the tutorials.</summary>
    public const int ImagesPerRow = 10;

    /// <param name="note">Progress for humans (the clustering can take a while on 10,000 test images).</param>
    public static ModelReportContents Build(TrainedModel model, Dataset data, GridLayout layout, Action<string> note,
        CancellationToken cancel)
    {
        var config = model.Config;
        var names = ClassNames.For(data.Name, data.Directory);
        var pictures = new List<Picture>();

        var samples = ModelInspection.Reconstructions(model, data, ImagesPerRow);
        pictures.Add(ReconstructionPicture.Create(samples, layout));
        if (config.NoiseFactor > 0) pictures.Add(DenoisingPicture.Create(samples, config, layout));
        cancel.ThrowIfCancellationRequested();

        if (config.EncodingDim <= LatentPicture.MaxDimensions)
        {
            pictures.Add(LatentPicture.Create(ModelInspection.Codes(model, data), names));
            cancel.ThrowIfCancellationRequested();
        }

        ClusteringSummary? clustering = null;
        if (ArchitectureRegistry.Get(config.Architecture).ReportsClustering)
        {
            note($"Clustering {data.Test.Count} test codes and, as the baseline, the raw test pixels (k-means, " +
                 $"{CodeClustering.Restarts} restarts each)...");
            var clusters = ModelInspection.Clusters(model, data);
            cancel.ThrowIfCancellationRequested();
            var baseline = CodeClustering.RawPixelBaseline(data.Test, config.Seed);
            var (picture, rows) = ClusterPicture.Create(clusters, data.Test, names, layout, ImagesPerRow);
            pictures.Add(picture);
            clustering = new ClusteringSummary(clusters.Count, clusters.Nmi, clusters.Accuracy, baseline.Nmi, baseline.Accuracy, rows);
        }
        return new ModelReportContents(pictures, clustering);
    }
}
