using System.Text.Json;
using AeGrid.Client.Tests.Support;
using AeGrid.Client.Training;
using AeGrid.Models.Training;

namespace AeGrid.Client.Tests.Training;

public sealed class TrainingArtifactsTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Writes_the_checkpoint_bytes_the_config_and_the_metrics_and_nothing_else()
    {
        var report = SampleRuns.Report(TrainingOutcome.Completed, [SampleRuns.Epoch(1, 0.03)]);
        byte[] weights = [1, 2, 3, 4, 5];
        var directory = _temp.Combine("run", "nested");

        var written = TrainingArtifacts.Write(directory, report, new Checkpoint(1, 0, weights));

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(directory, "model.ckpt")));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "config.json")));
        Assert.Equal("denoise-mlp", config.RootElement.GetProperty("architecture").GetString());
        Assert.Equal(2, config.RootElement.GetProperty("epochs").GetInt32());
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "metrics.json")));
        Assert.Equal(0.03, metrics.RootElement.GetProperty("test_mse").GetDouble());
        Assert.Equal(written.Files, metrics.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["config.json", "metrics.json", "model.ckpt"],
            Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_a_checkpoint_only_config_and_metrics_are_written()
    {
        var report = SampleRuns.Report(TrainingOutcome.Completed, [SampleRuns.Epoch(1, 0.03)]);

        var written = TrainingArtifacts.Write(_temp.Path, report, lastCheckpoint: null);

        Assert.Equal([Path.Combine(_temp.Path, "config.json"), Path.Combine(_temp.Path, "metrics.json")], written.Files);
        Assert.False(File.Exists(Path.Combine(_temp.Path, "model.ckpt")));
    }
}
