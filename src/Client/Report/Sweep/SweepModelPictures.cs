using AeGrid.Abstractions;
using AeGrid.Client.Cli;
using AeGrid.Grains.Sweeps;
using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Client.Report.Sweep;

/// <summary>The model pictures of one trial, or why there are none (no weights yet, its dataset not on this machine).</summary>
internal sealed record TrialModelPictures(string TrialId, string Architecture, string Source, IReadOnlyList<SweepPicture> Pictures,
    ClusteringSummary? Clustering, string? Missing);

/// <summary>
/// The pictures `aegrid report --model` draws (<see cref="ModelReport"/>), for the best trial of each architecture: its
/// kept model when the sweep kept one, else its latest checkpoint (a running or pruned trial: where it stands).
/// </summary>
internal static class SweepModelPictures
{
    public static async Task<IReadOnlyList<TrialModelPictures>> CreateAsync(ISweepGrain sweep, SweepReportData data, GridLayout layout,
        int testImages, Action<string> note, CancellationToken cancel)
    {
        var result = new List<TrialModelPictures>();
        foreach (var trial in data.BestOfEachArchitecture())
        {
            var weights = await sweep.GetTrialWeights(trial.Trial.TrialId);
            if (weights is null)
            {
                result.Add(new(trial.Trial.TrialId, trial.Architecture, "", [], null, "no kept model or checkpoint stored yet"));
                continue;
            }
            note($"Drawing {trial.Trial.TrialId} ({trial.Architecture}) from its {(weights.IsCheckpoint ? "checkpoint" : "kept model")}...");
            result.Add(await Task.Run(() => Draw(trial, weights, layout, testImages, note, cancel), cancel));
        }
        return result;
    }

    static TrialModelPictures Draw(TrialReportRow trial, TrialWeights weights, GridLayout layout, int testImages, Action<string> note,
        CancellationToken cancel)
    {
        var source = weights.IsCheckpoint
            ? $"checkpoint after {weights.Epoch} epoch(s)" + (weights.Batch > 0 ? $" and {weights.Batch} batch(es)" : "")
            : "kept model";
        var config = weights.Parameters;
        var dataset = config.Dataset ?? "fashion-mnist";
        Dataset data;
        try
        {
            var full = DatasetCatalog.Load(dataset);
            data = full with { Test = full.Test.Take(testImages) };
        }
        catch (Exception e) when (e is DatasetNotFoundException or DatasetFormatException or IOException or UnauthorizedAccessException)
        {
            // A cluster's trainers may read data this machine does not have: the rest of the report still stands.
            return new(trial.Trial.TrialId, trial.Architecture, source, [], null, $"dataset '{dataset}' cannot be read here: {e.Message}");
        }

        var scratch = Path.Combine(Path.GetTempPath(), $"aegrid-report-{Guid.NewGuid():N}.bin");
        try
        {
            var options = new TrainingOptions { Device = "auto" };
            using var model = weights.IsCheckpoint
                ? TrainedModel.FromCheckpoint(config, new Checkpoint(weights.Epoch, weights.Batch, weights.Bytes), options)
                : FromWeightsBytes(config, weights.Bytes, scratch, options);
            var contents = ModelReport.Build(model, data, layout, note, cancel);
            var prefix = $"{trial.ShortId}-{trial.Architecture}-";
            var pictures = contents.Pictures.Select(p =>
            {
                var png = PngEncoding.Encode(p.Image);
                return new SweepPicture(prefix + p.FileName, p.Kind, p.Title, p.Caption, png, p.Image.Width, p.Image.Height);
            }).ToList();
            return new(trial.Trial.TrialId, trial.Architecture, source, pictures, contents.Clustering, null);
        }
        catch (CheckpointFormatException e)
        {
            return new(trial.Trial.TrialId, trial.Architecture, source, [], null, $"its stored weights cannot be read: {e.Message}");
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>TrainedModel reads module weights from a file, as `aegrid export` writes them.</summary>
    static TrainedModel FromWeightsBytes(Hyperparameters config, byte[] bytes, string scratch, TrainingOptions options)
    {
        File.WriteAllBytes(scratch, bytes);
        return TrainedModel.FromWeights(config, scratch, options);
    }
}
