using System.Text.Json;
using System.Text.Json.Nodes;
using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Client.Output;

/// <summary>The JSON shapes of the grid commands (snake_case, one object per command, documented in the README).</summary>
internal static class GridJson
{
    static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static string Write(JsonNode node) => node.ToJsonString(Options);

    public static JsonNode Parameters(Hyperparameters p) => JsonNode.Parse(HyperparametersJson.Serialize(p))!;

    public static JsonObject Counts(SweepSummary s)
    {
        var counts = new JsonObject();
        foreach (var status in Enum.GetValues<TrialStatus>())
            counts[status.ToWire()] = s.TrialsByStatus.GetValueOrDefault(status);
        return counts;
    }

    public static JsonObject Summary(SweepSummary s) => new()
    {
        ["id"] = s.Id,
        ["name"] = s.Name,
        ["state"] = s.State.ToString().ToLowerInvariant(),
        ["metric"] = s.Metric,
        ["mode"] = s.Maximize ? "max" : "min",
        ["trial_count"] = s.TotalTrials,
        ["trials_to_propose"] = s.TrialsToPropose,
        ["counts"] = Counts(s),
        ["created_at"] = s.CreatedAt.ToString("O"),
        ["finished_at"] = s.FinishedAt?.ToString("O"),
        ["epochs_redone"] = s.EpochsRedone,
        ["forked_from"] = Origin(s.ForkedFrom),
    };

    /// <summary>A fork's source as {"sweep", "trial"}; null for a sweep started afresh.</summary>
    public static JsonObject? Origin(SweepOrigin? origin) =>
        origin is null ? null : new JsonObject { ["sweep"] = origin.SweepId, ["trial"] = origin.TrialId };

    public static JsonObject Metrics(EpochReport e)
    {
        var o = new JsonObject { ["epoch"] = e.Epoch };
        foreach (var name in EpochReport.MetricNames)
            if (e.Metric(name) is { } v) o[name] = Number(v);
        if (e.NoisyInputPsnr is { } psnr) o["noisy_input_psnr"] = Number(psnr);
        if (e.BaselineNmi is { } bn) o["baseline_nmi"] = Number(bn);
        if (e.BaselineClusterAccuracy is { } ba) o["baseline_cluster_accuracy"] = Number(ba);
        o["wall_seconds"] = Number(e.WallSeconds);
        return o;
    }

    public static JsonObject Trial(TrialSummary t) => new()
    {
        ["id"] = t.TrialId,
        ["number"] = t.Number,
        ["status"] = t.Status.ToWire(),
        ["hyperparameters"] = Parameters(t.Parameters),
        ["epochs_completed"] = t.EpochsCompleted,
        ["attempts"] = t.Attempts,
        ["silo"] = t.Silo,
        ["metrics"] = t.LastEpoch is null ? null : Metrics(t.LastEpoch),
        ["error"] = t.Error,
        ["kept"] = t.Kept,
        ["exploits"] = LineageFormat.Json(t.Exploits),
    };

    public static JsonArray Leaderboard(IEnumerable<LeaderboardEntry> entries) => new(entries.Select(e => (JsonNode)new JsonObject
    {
        ["rank"] = e.Rank,
        ["trial_id"] = e.TrialId,
        ["hyperparameters"] = Parameters(e.Parameters),
        ["metric"] = e.Metric,
        ["value"] = Number(e.Value),
        ["status"] = e.Status.ToWire(),
        ["kept"] = e.Kept,
    }).ToArray());

    /// <summary>`sweep status --json`: the sweep and every trial.</summary>
    public static JsonObject Status(SweepStatusReport status)
    {
        var o = Summary(status.Sweep);
        o["trials"] = new JsonArray([.. status.Trials.Select(t => (JsonNode)Trial(t))]);
        return o;
    }

    /// <summary>The result of a finished sweep (`run --json`, `sweep watch --json`): id, counts by state, leaderboard.</summary>
    public static JsonObject Result(SweepStatusReport final, IEnumerable<LeaderboardEntry> board) => new()
    {
        ["id"] = final.Sweep.Id,
        ["state"] = final.Sweep.State.ToString().ToLowerInvariant(),
        ["counts"] = Counts(final.Sweep),
        ["epochs_redone"] = final.Sweep.EpochsRedone,
        ["metric"] = final.Sweep.Metric,
        ["leaderboard"] = Leaderboard(board),
        ["forked_from"] = Origin(final.Sweep.ForkedFrom),
    };

    /// <summary>JSON has no NaN or infinity: those become strings, as Python's json module would refuse them anyway.</summary>
    static JsonNode Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v.ToString())!;
}
