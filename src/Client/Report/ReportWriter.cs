using AeGrid.Client.Output;
using AeGrid.Models.Data;

namespace AeGrid.Client.Report;

/// <summary>Writes a report directory: one PNG per picture, report.html and report.json (each file atomically).</summary>
internal static class ReportWriter
{
    public const string ManifestFile = "report.json";

    public static ReportManifest Write(string directory, ReportSource source, Dataset data, ModelReportContents contents)
    {
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        var pngs = new Dictionary<string, byte[]>();
        foreach (var picture in contents.Pictures)
        {
            var png = PngEncoding.Encode(picture.Image);
            AtomicFile.WriteAllBytes(Path.Combine(root, picture.FileName), png);
            pngs[picture.FileName] = png;
        }

        var manifest = new ReportManifest
        {
            Architecture = source.Config.Architecture,
            TrialId = source.TrialId,
            Source = source.Description,
            Dataset = data.Name,
            TestImages = data.Test.Count,
            Hyperparameters = source.Config,
            Metrics = source.Metrics,
            Clustering = contents.Clustering,
            Pictures = contents.Pictures
                .Select(p => new PictureEntry(p.FileName, p.Kind, p.Title, p.Caption, p.Image.Width, p.Image.Height))
                .ToList(),
            Directory = root,
            Files = [.. contents.Pictures.Select(p => p.FileName), HtmlReport.FileName, ManifestFile],
        };
        AtomicFile.WriteAllText(Path.Combine(root, HtmlReport.FileName), HtmlReport.Render(manifest, pngs));
        JsonOutput.WriteFile(Path.Combine(root, ManifestFile), manifest);
        return manifest;
    }
}
