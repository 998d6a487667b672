using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AeGrid.Client.Output;

namespace AeGrid.Client.Report;

/// <summary>
/// report.html: one self-contained page (pictures embedded as data: URIs, no scripts, no external styles) with the
/// hyperparameters, the stored metrics, the clustering scores and each picture with its caption.
/// </summary>
internal static class HtmlReport
{
    public const string FileName = "report.html";

    /// <param name="pngs">Each picture's encoded bytes, by file name.</param>
    public static string Render(ReportManifest manifest, IReadOnlyDictionary<string, byte[]> pngs)
    {
        var title = $"AeGrid report: {manifest.TrialId ?? manifest.Architecture}";
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine($"<title>{Encode(title)}</title>");
        html.AppendLine("<style>body{font-family:system-ui,sans-serif;max-width:1500px;margin:2em auto;padding:0 1em;color:#222}" +
                        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .7em;text-align:left}" +
                        "td.n{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1.5em 0}" +
                        "figcaption{max-width:60em;margin-top:.4em;color:#444}img{image-rendering:pixelated;max-width:100%}</style>");
        html.AppendLine("</head><body>");
        html.AppendLine($"<h1>{Encode(title)}</h1>");
        html.AppendLine($"<p>{Encode(manifest.Source)}; pictures from dataset {Encode(manifest.Dataset)} " +
                        $"({manifest.TestImages} test images).</p>");

        html.AppendLine("<h2>Hyperparameters</h2>");
        html.AppendLine("<table>");
        foreach (var (name, value) in Hyperparameters(manifest))
            html.AppendLine($"<tr><th>{Encode(name)}</th><td>{Encode(value)}</td></tr>");
        html.AppendLine("</table>");

        html.AppendLine("<h2>Final metrics</h2>");
        if (manifest.Metrics.Count == 0)
        {
            html.AppendLine("<p>No metrics were stored with this model.</p>");
        }
        else
        {
            html.AppendLine("<table>");
            foreach (var (name, value) in manifest.Metrics)
                html.AppendLine($"<tr><th>{Encode(name)}</th><td class=\"n\">{Encode(Number(value))}</td></tr>");
            html.AppendLine("</table>");
        }

        if (manifest.Clustering is { } clustering)
        {
            html.AppendLine("<h2>Clustering of the test codes</h2>");
            html.AppendLine($"<p>k-means on the codes of {clustering.TestImages} test images, measured for this report, " +
                            "against k-means on the raw pixels of the same images.</p>");
            html.AppendLine("<table><tr><th></th><th>codes</th><th>raw pixels</th></tr>");
            html.AppendLine($"<tr><th>NMI</th><td class=\"n\">{Number(clustering.Nmi)}</td><td class=\"n\">{Number(clustering.BaselineNmi)}</td></tr>");
            html.AppendLine($"<tr><th>accuracy</th><td class=\"n\">{Number(clustering.Accuracy)}</td><td class=\"n\">{Number(clustering.BaselineAccuracy)}</td></tr>");
            html.AppendLine("</table>");
        }

        html.AppendLine("<h2>Pictures</h2>");
        foreach (var picture in manifest.Pictures)
        {
            var data = Convert.ToBase64String(pngs[picture.File]);
            html.AppendLine("<figure>");
            html.AppendLine($"<h3>{Encode(picture.Title)}</h3>");
            html.AppendLine($"<img src=\"data:image/png;base64,{data}\" width=\"{picture.Width}\" height=\"{picture.Height}\" " +
                            $"alt=\"{Encode(picture.Title)}\">");
            html.AppendLine($"<figcaption>{Encode(picture.Caption)} <a href=\"{Encode(picture.File)}\">{Encode(picture.File)}</a></figcaption>");
            html.AppendLine("</figure>");
        }
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    /// <summary>Name and value of every hyperparameter, by its catalog name (as sweep files and config.json spell it); lists as "256,128".</summary>
    static IEnumerable<(string Name, string Value)> Hyperparameters(ReportManifest manifest)
    {
        var element = JsonSerializer.SerializeToElement(manifest.Hyperparameters, JsonOutput.Options);
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString() ?? "",
                JsonValueKind.Array => string.Join(',', property.Value.EnumerateArray().Select(v => v.GetRawText())),
                _ => property.Value.GetRawText(),
            };
            yield return (property.Name, value);
        }
    }

    static string Number(double value) => value.ToString("G5", CultureInfo.InvariantCulture);

    static string Encode(string text) => WebUtility.HtmlEncode(text);
}
