namespace AeGrid.Client.Report;

/// <summary>One picture of a report: the file it is saved as, a title and caption for report.html, and its pixels.</summary>
internal sealed record Picture(string FileName, string Kind, string Title, string Caption, RasterImage Image);
