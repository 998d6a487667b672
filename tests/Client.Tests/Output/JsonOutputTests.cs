using System.Text.Json;
using AeGrid.Client.Output;
using AeGrid.Client.Tests.Support;
using AeGrid.Models.Training;

namespace AeGrid.Client.Tests.Output;

/// <summary>The JSON shape `aegrid train --json` promises (snake_case, headline metrics = last epoch, nulls left out).</summary>
public sealed class JsonOutputTests
{
    [Fact]
    public void A_train_report_has_headline_metrics_hyperparameters_and_per_epoch_rows_in_snake_case()
    {
        var report = SampleRuns.Report(TrainingOutcome.Completed, [SampleRuns.Epoch(1, 0.04), SampleRuns.Epoch(2, 0.02)]);

        using var json = JsonDocument.Parse(JsonOutput.Serialize(report));
        var root = json.RootElement;

        Assert.Equal("denoise-mlp", root.GetProperty("architecture").GetString());
        Assert.Equal("completed", root.GetProperty("outcome").GetString());
        Assert.Equal(2, root.GetProperty("epochs").GetInt32());
        Assert.Equal(0.02, root.GetProperty("test_mse").GetDouble());
        Assert.Equal(0.018, root.GetProperty("train_mse").GetDouble(), 12);
        Assert.Equal(0.1, root.GetProperty("noisy_input_mse").GetDouble());
        Assert.Equal(10, root.GetProperty("noisy_input_psnr").GetDouble());
        Assert.Equal(10 * Math.Log10(50), root.GetProperty("test_psnr").GetDouble(), 12);
        Assert.Equal(1500, root.GetProperty("samples_per_second").GetDouble());
        Assert.Equal(4.25, root.GetProperty("wall_seconds").GetDouble());
        Assert.Equal(300, root.GetProperty("train_images").GetInt32());

        var hyperparameters = root.GetProperty("hyperparameters");
        Assert.Equal(0.001, hyperparameters.GetProperty("lr").GetDouble());
        Assert.Equal(0.5, hyperparameters.GetProperty("noise_factor").GetDouble());
        Assert.True(hyperparameters.GetProperty("clip_noise").GetBoolean());
        Assert.Equal([128], hyperparameters.GetProperty("hidden_sizes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(3, hyperparameters.GetProperty("seed").GetInt64());
        Assert.Equal(["encoding_dim", "optimizer"],
            root.GetProperty("tutorial_defaults").EnumerateArray().Select(e => e.GetString()));

        var epochs = root.GetProperty("per_epoch").EnumerateArray().ToList();
        Assert.Equal([1, 2], epochs.Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.Equal(0.04, epochs[0].GetProperty("test_mse").GetDouble());
    }

    [Fact]
    public void Metrics_that_do_not_apply_are_left_out()
    {
        var report = SampleRuns.Report(TrainingOutcome.Completed, [SampleRuns.Epoch(1, 0.04)]);

        using var json = JsonDocument.Parse(JsonOutput.Serialize(report));

        foreach (var absent in new[] { "nmi", "cluster_accuracy", "baseline_nmi", "baseline_cluster_accuracy", "message", "files" })
        {
            Assert.False(json.RootElement.TryGetProperty(absent, out _), absent);
        }
        Assert.False(json.RootElement.GetProperty("hyperparameters").TryGetProperty("limit", out _));
    }

    [Fact]
    public void A_diverged_run_with_a_nan_loss_still_serialises()
    {
        var nan = SampleRuns.Epoch(1, 0.04) with { TrainMse = double.NaN, TestMse = double.PositiveInfinity };
        var report = SampleRuns.Report(TrainingOutcome.Diverged, [nan], "loss is NaN at epoch 1, batch 3");

        using var json = JsonDocument.Parse(JsonOutput.Serialize(report));

        Assert.Equal("diverged", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("NaN", json.RootElement.GetProperty("train_mse").GetString());
        Assert.Equal("Infinity", json.RootElement.GetProperty("test_mse").GetString());
        Assert.Equal("loss is NaN at epoch 1, batch 3", json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void A_run_cancelled_before_its_first_epoch_has_no_headline_metrics()
    {
        var report = SampleRuns.Report(TrainingOutcome.Cancelled, []);

        using var json = JsonDocument.Parse(JsonOutput.Serialize(report));

        Assert.Equal("cancelled", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("epochs").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("test_mse", out _));
        Assert.Empty(json.RootElement.GetProperty("per_epoch").EnumerateArray());
    }
}
