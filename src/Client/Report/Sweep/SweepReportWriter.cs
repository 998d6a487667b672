using AeGrid.Abstractions;
using AeGrid.Client.Output;

namespace AeGrid.Client.Report.Sweep;

/// <summary>One picture in a sweep's report.json: its file (relative to the report directory), what it shows, its size.</summary>
internal sealed record SweepPictureEntry(string File, string Kind, string Title, int Width, int Height);

/// <summary>One trial in report.json: where it ended, its rank and value, and what faults cost it.</summary>
internal sealed record SweepTrialEntry(string TrialId, string Status, string Architecture, int? Rank, double? Value, int Epochs,
    int Attempts, int EpochsRedone, bool Kept);

/// <summary>The models drawn for one architecture in report.json; <see cref="Missing"/> says why there are no pictures.</summary>
internal sealed record SweepModelEntry(string TrialId, string Architecture, string Source, string? Missing,
    ClusteringSummary? Clustering, IReadOnlyList<SweepPictureEntry> Pictures);

/// <summary>report.json of a sweep report, and what `aegrid report SWEEP --json` prints.</summary>
internal sealed record SweepReportManifest
{
    public required string SweepId { get; init; }
    public required string State { get; init; }
    public required string Metric { get; init; }
    /// <summary>When the grid was read: a running sweep's report is a snapshot.</summary>
    public required DateTimeOffset TakenAt { get; init; }
    /// <summary>Every trial, ranked ones first (best first), then the others by number.</summary>
    public required IReadOnlyList<SweepTrialEntry> Trials { get; init; }
    public required IReadOnlyList<string> VaryingHyperparameters { get; init; }
    public required IReadOnlyList<SweepPictureEntry> Pictures { get; init; }
    public required IReadOnlyList<SweepModelEntry> Models { get; init; }
    public required string Directory { get; init; }
    /// <summary>Every file written, relative to <see cref="Directory"/>; report.html first.</summary>
    public required IReadOnlyList<string> Files { get; init; }
}

/// <summary>Writes a sweep report directory: report.html (self-contained), each picture as a PNG beside it, report.json.</summary>
internal static class SweepReportWriter
{
    public static SweepReportManifest Write(string directory, SweepReportData data, IReadOnlyList<SweepPicture> charts,
        IReadOnlyList<TrialModelPictures> models)
    {
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        var all = charts.Concat(models.SelectMany(m => m.Pictures)).ToList();
        foreach (var picture in all) AtomicFile.WriteAllBytes(Path.Combine(root, picture.FileName), picture.Png);
        AtomicFile.WriteAllText(Path.Combine(root, HtmlReport.FileName), SweepHtml.Render(data, charts, models));

        var manifest = new SweepReportManifest
        {
            SweepId = data.Sweep.Id,
            State = data.Sweep.State.ToString().ToLowerInvariant(),
            Metric = data.Metric,
            TakenAt = data.TakenAt,
            Trials = data.Ordered.Select(t => new SweepTrialEntry(t.Trial.TrialId, t.Trial.Status.ToWire(), t.Architecture, t.Rank,
                t.LastValue(data.Metric), t.Trial.EpochsCompleted, t.Trial.Attempts, t.History.EpochsRedone, t.Trial.Kept)).ToList(),
            VaryingHyperparameters = data.Varying.Names,
            Pictures = charts.Select(Entry).ToList(),
            Models = models.Select(m => new SweepModelEntry(m.TrialId, m.Architecture, m.Source, m.Missing, m.Clustering,
                m.Pictures.Select(Entry).ToList())).ToList(),
            Directory = root,
            Files = [HtmlReport.FileName, .. all.Select(p => p.FileName), ReportWriter.ManifestFile],
        };
        JsonOutput.WriteFile(Path.Combine(root, ReportWriter.ManifestFile), manifest);
        return manifest;
    }

    static SweepPictureEntry Entry(SweepPicture p) => new(p.FileName, p.Kind, p.Title, p.Width, p.Height);
}
