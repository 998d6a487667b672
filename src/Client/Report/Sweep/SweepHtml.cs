using System.Globalization;
using System.Net;
using System.Text;
using AeGrid.Abstractions;
using AeGrid.Client.Output;

namespace AeGrid.Client.Report.Sweep;

/// <summary>
/// The sweep report's page: one self-contained HTML file (every picture embedded as a data: URI, no scripts, no external
/// styles or fonts) with the sweep's state, the leaderboard with the hyperparameters that varied, the charts, and the
/// pictures of the best model of each architecture.
/// </summary>
internal static class SweepHtml
{
    public static string Render(SweepReportData data, IReadOnlyList<SweepPicture> charts, IReadOnlyList<TrialModelPictures> models)
    {
        var s = data.Sweep;
        var html = new StringBuilder();
        var title = $"AeGrid sweep report: {s.Id}";
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine($"<title>{E(title)}</title>");
        html.AppendLine("<style>body{font-family:system-ui,sans-serif;max-width:1500px;margin:2em auto;padding:0 1em;color:#222}" +
                        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .7em;text-align:left}" +
                        "td.n{text-align:right;font-variant-numeric:tabular-nums}tr.faded td{color:#888}figure{margin:1.5em 0}" +
                        "figcaption{max-width:60em;margin-top:.4em;color:#444}img{max-width:100%}img.px{image-rendering:pixelated}" +
                        ".note{color:#a50}</style>");
        html.AppendLine("</head><body>");
        html.AppendLine($"<h1>{E(title)}</h1>");
        var direction = s.Maximize ? "higher is better" : "lower is better";
        html.AppendLine($"<p>Sweep <b>{E(s.Name)}</b>, ranked by <b>{E(s.Metric)}</b> ({direction}). " +
                        $"Created {s.CreatedAt:yyyy-MM-dd HH:mm} UTC; " +
                        (s.State == SweepState.Running
                            ? $"<b>still running</b>: this is where it stood at {data.TakenAt:yyyy-MM-dd HH:mm:ss} UTC."
                            : $"{s.State.ToString().ToLowerInvariant()} {s.FinishedAt:yyyy-MM-dd HH:mm} UTC.") + "</p>");
        html.AppendLine($"<p>{E(SweepDisplay.CountsLine(s))}.</p>");

        Leaderboard(html, data);
        Figures(html, "Learning curves", charts.Where(c => c.Kind == "learning-curves"));
        Figures(html, "Hyperparameters", charts.Where(c => c.Kind == "hyperparameter"));
        Figures(html, "Trials and faults", charts.Where(c => c.Kind is "states" or "attempts"));
        Models(html, models);
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    static void Leaderboard(StringBuilder html, SweepReportData data)
    {
        html.AppendLine("<h2>Leaderboard</h2>");
        var names = data.Varying.Names;
        html.AppendLine(names.Count == 0
            ? "<p>Every trial has the same hyperparameters apart from its architecture.</p>"
            : $"<p>Hyperparameters shown are those that differ between the trials (as trained, tutorial defaults filled in). " +
              $"Unranked trials (pruned, failed, unfinished) follow the ranked ones, greyed; their {E(data.Metric)} is that of their last stored epoch.</p>");
        html.Append("<table><tr><th>rank</th><th>trial</th><th>status</th><th>architecture</th>");
        foreach (var name in names) html.Append($"<th>{E(name)}</th>");
        html.AppendLine($"<th>{E(data.Metric)}</th><th>epochs</th><th>attempts</th><th>kept</th></tr>");
        foreach (var t in data.Ordered)
        {
            var values = HyperparameterColumns.AsTrained(t.Trial.Parameters);
            html.Append(t.Rank is null ? "<tr class=\"faded\">" : "<tr>");
            html.Append($"<td class=\"n\">{t.Rank}</td><td>{E(t.Trial.TrialId)}</td><td>{t.Trial.Status.ToWire()}</td><td>{E(t.Architecture)}</td>");
            foreach (var name in names) html.Append($"<td class=\"n\">{E(values.GetValueOrDefault(name, ""))}</td>");
            html.AppendLine($"<td class=\"n\">{Number(t.LastValue(data.Metric))}</td><td class=\"n\">{t.Trial.EpochsCompleted}</td>" +
                            $"<td class=\"n\">{t.Trial.Attempts}</td><td>{(t.Trial.Kept ? "kept" : "")}</td></tr>");
        }
        html.AppendLine("</table>");
    }

    static void Figures(StringBuilder html, string heading, IEnumerable<SweepPicture> pictures)
    {
        var list = pictures.ToList();
        if (list.Count == 0) return;
        html.AppendLine($"<h2>{E(heading)}</h2>");
        foreach (var picture in list) Figure(html, picture, pixelated: false);
    }

    static void Models(StringBuilder html, IReadOnlyList<TrialModelPictures> models)
    {
        if (models.Count == 0) return;
        html.AppendLine("<h2>Best model of each architecture</h2>");
        foreach (var model in models)
        {
            html.AppendLine($"<h3>{E(model.Architecture)}: {E(model.TrialId)}</h3>");
            if (model.Missing is { } missing)
            {
                html.AppendLine($"<p class=\"note\">No pictures: {E(missing)}.</p>");
                continue;
            }
            html.AppendLine($"<p>Drawn from its {E(model.Source)}.</p>");
            if (model.Clustering is { } c)
                html.AppendLine($"<p>k-means on the test codes: NMI {Number(c.Nmi)} (raw pixels {Number(c.BaselineNmi)}), " +
                                $"accuracy {Number(c.Accuracy)} (raw pixels {Number(c.BaselineAccuracy)}), {c.TestImages} test images.</p>");
            foreach (var picture in model.Pictures) Figure(html, picture, pixelated: true);
        }
    }

    static void Figure(StringBuilder html, SweepPicture picture, bool pixelated)
    {
        html.AppendLine("<figure>");
        html.AppendLine($"<img{(pixelated ? " class=\"px\"" : "")} src=\"data:image/png;base64,{Convert.ToBase64String(picture.Png)}\" " +
                        $"width=\"{picture.Width}\" height=\"{picture.Height}\" alt=\"{E(picture.Title)}\">");
        html.AppendLine($"<figcaption><b>{E(picture.Title)}.</b> {E(picture.Caption)} <a href=\"{E(picture.FileName)}\">{E(picture.FileName)}</a></figcaption>");
        html.AppendLine("</figure>");
    }

    static string Number(double? value) => value is { } v ? v.ToString("G5", CultureInfo.InvariantCulture) : "";

    static string E(string text) => WebUtility.HtmlEncode(text);
}
