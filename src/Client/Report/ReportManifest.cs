using AeGrid.Models.Training;

namespace AeGrid.Client.Report;

/// <summary>One picture in report.json: its file (relative to the report directory), what it shows, its size in pixels.</summary>
internal sealed record PictureEntry(string File, string Kind, string Title, string Caption, int Width, int Height);

/// <summary>
/// report.json, and what `aegrid report --json` prints: the model, its hyperparameters and stored metrics, the
/// clustering scores measured here (cluster-mlp), the pictures, and every file written.
/// </summary>
internal sealed record ReportManifest
{
    public required string Architecture { get; init; }
    public string? TrialId { get; init; }
    /// <summary>Where the model came from ("training run DIR", "exported model FILE (trial …)").</summary>
    public required string Source { get; init; }
    public required string Dataset { get; init; }
    /// <summary>Test images the latent plot and the clustering used (--limit, else the whole test split).</summary>
    public required int TestImages { get; init; }
    /// <summary>Every hyperparameter as trained, tutorial defaults filled in, by the catalog's names.</summary>
    public required Hyperparameters Hyperparameters { get; init; }
    /// <summary>The final metrics stored with the model when it was trained.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }
    public ClusteringSummary? Clustering { get; init; }
    public required IReadOnlyList<PictureEntry> Pictures { get; init; }
    /// <summary>The report directory, absolute.</summary>
    public required string Directory { get; init; }
    /// <summary>Every file written, relative to <see cref="Directory"/>.</summary>
    public required IReadOnlyList<string> Files { get; init; }
}
