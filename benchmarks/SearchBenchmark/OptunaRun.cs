using System.Globalization;
using System.Text.Json.Nodes;

namespace AeGrid.SearchBenchmark;

/// <summary>
/// Optuna's TPE for one seed: optuna_tpe.py proposes, `aegrid train --json` trains each trial in its own process, as
/// many at once as AeGrid's runs have slots. Same space, same trial count and epochs, so the same epoch budget.
/// </summary>
public sealed class OptunaRun(SearchOptions options, string workDirectory)
{
    /// <summary>optuna_tpe.py's exit code when it cannot import optuna.</summary>
    const int OptunaMissing = 3;

    public async Task<RunRecord> RunAsync(int seed, CancellationToken ct)
    {
        var method = SearchMethod.OptunaTpe;
        var stem = Path.Combine(workDirectory, $"{method.Name}-s{seed}");
        var output = stem + ".json";
        string[] args =
        [
            BenchmarkPaths.OptunaScript,
            "--aegrid", BenchmarkPaths.AegridDll,
            "--space", DenoisingSpace.OptunaSpace().ToJsonString(),
            "--fixed", DenoisingSpace.OptunaFixed(options).ToJsonString(),
            "--trials", options.Trials.ToString(CultureInfo.InvariantCulture),
            "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--jobs", options.Slots.ToString(CultureInfo.InvariantCulture),
            "--threads", "1",
            "--output", output,
        ];
        ChildProcess.Result result;
        try
        {
            result = await ChildProcess.RunAsync(BenchmarkPaths.Python, args, stem + ".log", options.TimeoutPerRun, ct);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return RunRecord.Skip(method, seed, $"cannot start {BenchmarkPaths.Python}: {e.Message}");
        }
        if (result.ExitCode == OptunaMissing)
            return RunRecord.Skip(method, seed, result.ErrorLine);
        if (!File.Exists(output))
            return RunRecord.Skip(method, seed, result.TimedOut
                ? $"optuna_tpe.py ran past {options.TimeoutPerRun.TotalMinutes:0} min; see {stem}.log"
                : $"optuna_tpe.py exited with {result.ExitCode}: {result.ErrorLine}");

        var (epochs, byOutcome) = Read(await File.ReadAllTextAsync(output, ct));
        var problem = result.ExitCode == 0 ? null : $"optuna_tpe.py exited with {result.ExitCode}: {result.ErrorLine}";
        return new RunRecord(method, seed, epochs, byOutcome, result.Wall, Problem: problem);
    }

    /// <summary>optuna_tpe.py's trials as epoch events, in the order they finished, and the trials by outcome.</summary>
    public static (IReadOnlyList<EpochEvent> Epochs, IReadOnlyDictionary<string, int> TrialsByOutcome) Read(string json)
    {
        var trials = JsonNode.Parse(json)?["trials"]?.AsArray() ?? throw new FormatException("optuna_tpe.py's output has no trials");
        var epochs = new List<EpochEvent>();
        var byOutcome = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var trial in trials)
        {
            var number = trial!["number"]!.GetValue<int>();
            var outcome = trial["outcome"]?.GetValue<string>() ?? "failed";
            byOutcome[outcome] = byOutcome.GetValueOrDefault(outcome) + 1;
            foreach (var epoch in trial["epochs"]!.AsArray())
                epochs.Add(new EpochEvent(
                    number,
                    epoch!["epoch"]!.GetValue<int>(),
                    Number(epoch["test_mse"]),
                    DateTimeOffset.FromUnixTimeMilliseconds((long)(epoch["finished_at"]!.GetValue<double>() * 1000)),
                    EpochsTrained: 1));
        }
        return (epochs.OrderBy(e => e.FinishedAt).ThenBy(e => e.Trial).ThenBy(e => e.Epoch).ToList(), byOutcome);
    }

    /// <summary>A finite MSE is a number; a diverged one arrives as the string "NaN" or "Infinity".</summary>
    static double Number(JsonNode? node) => node switch
    {
        null => double.NaN,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => double.NaN,
    };
}
