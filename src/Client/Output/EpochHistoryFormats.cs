using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AeGrid.Abstractions;
using Spectre.Console;

namespace AeGrid.Client.Output;

/// <summary>
/// A trial's per-epoch history as `aegrid trial show` prints it: a table, one JSON object, or CSV. The columns are the
/// metrics some epoch of the trial has (a denoiser's noisy-input MSE, cluster-mlp's NMI…), in the JSON's names.
/// </summary>
internal static class EpochHistoryFormats
{
    static readonly string[] Optional =
        ["test_psnr", "noisy_input_mse", "noisy_input_psnr", "nmi", "cluster_accuracy", "baseline_nmi", "baseline_cluster_accuracy"];

    public static IReadOnlyList<string> Columns(TrialEpochHistory history) =>
    [
        "epoch", "attempt", "train_mse", "test_mse",
        .. Optional.Where(name => history.Epochs.Any(e => Value(e, name) is not null)),
        "samples_per_second", "wall_seconds",
    ];

    public static double? Value(EpochReport e, string column) => column switch
    {
        "epoch" => e.Epoch,
        "attempt" => e.Attempt,
        "noisy_input_psnr" => e.NoisyInputPsnr,
        "baseline_nmi" => e.BaselineNmi,
        "baseline_cluster_accuracy" => e.BaselineClusterAccuracy,
        "wall_seconds" => e.WallSeconds,
        _ => e.Metric(column),
    };

    public static void ShowTable(IAnsiConsole console, TrialEpochHistory history)
    {
        console.MarkupLine($"[bold]{Markup.Escape(history.TrialId)}[/] ({Markup.Escape(history.Parameters.Architecture)}): " +
                           $"{history.Status.ToWire()}, {history.Epochs.Length} epoch(s), {history.Attempts.Length} attempt(s)" +
                           (history.EpochsRedone > 0 ? $", {history.EpochsRedone} epoch(s) redone after failures" : ""));
        if (history.WarmStartedFrom is { } origin) console.MarkupLine($"started from the weights of {Markup.Escape(origin.ToString())} (forked sweep)");
        foreach (var exploit in history.Exploits)
            console.WriteLine("lineage: " + LineageFormat.Line(history.TrialId, exploit));
        if (history.Epochs.IsEmpty)
        {
            console.MarkupLine("[yellow]no epoch finished yet[/]");
            return;
        }
        var columns = Columns(history);
        var table = new Table().AddColumns(columns.Select(c => new TableColumn(c).RightAligned()).ToArray());
        foreach (var e in history.Epochs)
            table.AddRow(columns.Select(c => Cell(Value(e, c), c)).ToArray());
        console.Write(table);
    }

    public static string Csv(TrialEpochHistory history)
    {
        var columns = Columns(history);
        var csv = new StringBuilder().AppendLine(string.Join(',', columns));
        foreach (var e in history.Epochs)
            csv.AppendLine(string.Join(',', columns.Select(c => Value(e, c) is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "")));
        return csv.ToString();
    }

    public static JsonObject Json(TrialEpochHistory history)
    {
        var epochs = new JsonArray();
        foreach (var e in history.Epochs)
        {
            var row = GridJson.Metrics(e);
            row["attempt"] = e.Attempt;
            epochs.Add(row);
        }
        return new JsonObject
        {
            ["id"] = history.TrialId,
            ["status"] = history.Status.ToWire(),
            ["hyperparameters"] = GridJson.Parameters(history.Parameters),
            ["epochs"] = epochs,
            ["epochs_redone"] = history.EpochsRedone,
            ["warm_started_from"] = GridJson.Origin(history.WarmStartedFrom),
            ["exploits"] = LineageFormat.Json(history.Exploits),
            ["attempts"] = new JsonArray([.. history.Attempts.Select(a => (JsonNode)new JsonObject
            {
                ["attempt"] = a.Attempt,
                ["silo"] = a.Silo,
                ["started_at"] = a.StartedAt,
                ["ended_at"] = a.EndedAt,
                ["outcome"] = a.Outcome,
            })]),
        };
    }

    static string Cell(double? value, string column) => value switch
    {
        null => "",
        { } v when column is "epoch" or "attempt" => v.ToString("0", CultureInfo.InvariantCulture),
        { } v when column is "samples_per_second" => Formats.Rate(v),
        { } v when column is "wall_seconds" => v.ToString("0.0", CultureInfo.InvariantCulture),
        { } v => Formats.Metric(v),
    };
}
