using AeGrid.Models.Training;

namespace AeGrid.Models.Tests.Training;

/// <summary>
/// <see cref="TrainingOptions.InitialWeights"/>: a fresh run that starts from given weights (a forked sweep's trials) instead
/// of seeded initialisation, with a fresh optimiser and epochs from 0; a resume ignores them.
/// </summary>
public sealed class WarmStartTests
{
    static readonly Hyperparameters Source = new() { Architecture = "linear", Epochs = 3, BatchSize = 50, LearningRate = 0.01, Seed = 3 };

    [Fact]
    public void The_first_step_starts_from_the_given_weights_exactly_and_epochs_count_from_zero()
    {
        var (weights, _) = TrainSource();

        // Paused before its first batch: the state it would take its first step from.
        using var paused = new CancellationTokenSource();
        paused.Cancel();
        var observer = new RecordingObserver();
        var result = Trainer.Run(Source with { LearningRate = 1e-4 }, TestData.MnistSmall, TestData.CpuOptions with { InitialWeights = weights },
            null, observer, CancellationToken.None, paused.Token);

        Assert.Equal(TrainingOutcome.Paused, result.Outcome);
        var before = Assert.Single(observer.Checkpoints);
        Assert.Equal((0, 0), (before.Epoch, before.Batch));
        Assert.Equal(weights, ModelFiles.WeightsFromCheckpoint(Source, before));
        Assert.NotEqual(weights, ModelFiles.WeightsFromCheckpoint(Source, PausedFresh()));
    }

    [Fact]
    public void Fine_tuning_with_a_vanishing_step_scores_what_the_source_scored_whatever_the_optimizer()
    {
        var (weights, sourceMse) = TrainSource();

        foreach (var optimizer in new[] { "adam", "sgd" })
        {
            var observer = new RecordingObserver();
            var result = Trainer.Run(Source with { LearningRate = 1e-9, Epochs = 1, Optimizer = optimizer }, TestData.MnistSmall,
                TestData.CpuOptions with { InitialWeights = weights }, null, observer, CancellationToken.None);
            Assert.Equal(TrainingOutcome.Completed, result.Outcome);
            Assert.Equal(1, Assert.Single(result.Epochs).Epoch);
            Assert.Equal(sourceMse, result.Epochs[0].TestMse, sourceMse * 1e-4);
        }
        var fresh = Trainer.Run(Source with { LearningRate = 1e-9, Epochs = 1 }, TestData.MnistSmall, TestData.CpuOptions, null,
            new RecordingObserver(), CancellationToken.None);
        Assert.True(fresh.Epochs[0].TestMse > 1.5 * sourceMse, $"fresh {fresh.Epochs[0].TestMse} vs trained {sourceMse}");
    }

    [Fact]
    public void A_resume_ignores_the_initial_weights_and_weights_of_another_shape_are_refused()
    {
        var (weights, _) = TrainSource();
        var half = new RecordingObserver();
        Trainer.Run(Source with { Epochs = 2 }, TestData.MnistSmall, TestData.CpuOptions, null, half, CancellationToken.None);

        // Resumed from its own checkpoint, a trial goes on exactly as it would have without a warm start.
        var plain = Trainer.Run(Source, TestData.MnistSmall, TestData.CpuOptions, half.Checkpoints[^1], new RecordingObserver(), CancellationToken.None);
        var warm = Trainer.Run(Source, TestData.MnistSmall, TestData.CpuOptions with { InitialWeights = [1, 2, 3] }, half.Checkpoints[^1],
            new RecordingObserver(), CancellationToken.None);
        Assert.Equal(plain.Epochs.Select(e => e.TestMse), warm.Epochs.Select(e => e.TestMse));

        var error = Assert.Throws<CheckpointFormatException>(() => Trainer.Run(new Hyperparameters { Architecture = "deep-mlp", Epochs = 1, BatchSize = 50 },
            TestData.MnistSmall, TestData.CpuOptions with { InitialWeights = weights }, null, new RecordingObserver(), CancellationToken.None));
        Assert.StartsWith("initial weights: the saved weights do not fit deep-mlp", error.Message);
    }

    static (byte[] Weights, double TestMse) TrainSource()
    {
        var observer = new RecordingObserver();
        var result = Trainer.Run(Source, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None);
        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        return (ModelFiles.WeightsFromCheckpoint(Source, observer.Checkpoints[^1]), result.Epochs[^1].TestMse);
    }

    static Checkpoint PausedFresh()
    {
        using var paused = new CancellationTokenSource();
        paused.Cancel();
        var observer = new RecordingObserver();
        Trainer.Run(Source, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None, paused.Token);
        return observer.Checkpoints.Single();
    }
}
