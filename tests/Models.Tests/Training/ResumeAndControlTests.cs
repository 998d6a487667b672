using AeGrid.Models.Training;

namespace AeGrid.Models.Tests.Training;

/// <summary>
/// Determinism, checkpoint/resume, pause and cancel. Equality is exact (bit-for-bit doubles): every random draw
/// comes from (seed, epoch, batch), checkpoints hold the exact weights, optimiser state and partial sums, and the
/// evaluation order is fixed. Timing fields are the only ones left out of the comparison.
/// </summary>
public sealed class ResumeAndControlTests
{
    // Shuffled, noisy, Adam.
    static readonly Hyperparameters NoisyShuffledAdam =
        new() { Architecture = "linear", Epochs = 4, BatchSize = 50, NoiseFactor = 0.3, ClipNoise = true, Shuffle = true, Seed = 11 };

    public static TheoryData<Hyperparameters> Configs => new()
    {
        NoisyShuffledAdam,
        // Plain SGD, standardised inputs, clustering metrics.
        new Hyperparameters { Architecture = "cluster-mlp", Epochs = 4, BatchSize = 50, Optimizer = "sgd", LearningRate = 0.05, Seed = 12 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Same_config_twice_gives_the_same_numbers(Hyperparameters config)
    {
        var first = Train(config);
        var second = Train(config);

        Assert.Equal(Numbers(first.Epochs), Numbers(second.Epochs));
        Assert.Equal(first.Checkpoints[^1].Bytes, second.Checkpoints[^1].Bytes);
    }

    [Fact]
    public void A_different_seed_gives_different_numbers()
    {
        var config = new Hyperparameters { Architecture = "linear", Epochs = 1, BatchSize = 50 };

        Assert.NotEqual(Numbers(Train(config with { Seed = 1 }).Epochs), Numbers(Train(config with { Seed = 2 }).Epochs));
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Two_epochs_then_resume_equals_four_straight(Hyperparameters config)
    {
        var straight = Train(config);
        var firstHalf = Train(config with { Epochs = 2 });
        var boundary = firstHalf.Checkpoints[^1];

        var secondHalf = Train(config, Roundtrip(boundary));

        Assert.Equal((2, 0), (boundary.Epoch, boundary.Batch));
        Assert.Equal([3, 4], secondHalf.Epochs.Select(e => e.Epoch));
        Assert.Equal(Numbers(straight.Epochs), Numbers([.. firstHalf.Epochs, .. secondHalf.Epochs]));
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Resuming_from_a_mid_epoch_checkpoint_continues_exactly(Hyperparameters config)
    {
        var options = TestData.CpuOptions with { CheckpointEveryBatches = 5 };
        var straight = Train(config, options: options);
        // 600 images in batches of 50: 12 batches; checkpoints after batches 5 and 10 of every epoch, then at its end.
        Assert.Equal(
            [(0, 5), (0, 10), (1, 0), (1, 5), (1, 10), (2, 0), (2, 5), (2, 10), (3, 0), (3, 5), (3, 10), (4, 0)],
            straight.Checkpoints.Select(c => (c.Epoch, c.Batch)));
        var midSecondEpoch = straight.Checkpoints[3];

        var resumed = Train(config, Roundtrip(midSecondEpoch));

        Assert.Equal(Numbers(straight.Epochs.Skip(1)), Numbers(resumed.Epochs));
    }

    [Fact]
    public void Pause_hands_over_a_checkpoint_at_the_next_batch_boundary_and_resumes_exactly()
    {
        var config = NoisyShuffledAdam;
        var straight = Train(config);
        using var pause = new CancellationTokenSource();
        var observer = new RecordingObserver { OnBatchHook = progress => { if (progress is { Epoch: 2, Batch: 3 }) pause.Cancel(); } };

        var paused = Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None, pause.Token);

        Assert.Equal(TrainingOutcome.Paused, paused.Outcome);
        Assert.Equal(12 + 3, observer.Batches.Count); // no batch ran after the pause request
        Assert.Equal((1, 3), (observer.Checkpoints[^1].Epoch, observer.Checkpoints[^1].Batch));
        Assert.Single(paused.Epochs);

        var resumed = Train(config, Roundtrip(observer.Checkpoints[^1]));

        Assert.Equal(Numbers(straight.Epochs), Numbers([.. paused.Epochs, .. resumed.Epochs]));
    }

    [Fact]
    public void Cancel_stops_within_one_batch_without_a_checkpoint()
    {
        var config = new Hyperparameters { Architecture = "linear", Epochs = 3, BatchSize = 50 };
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver { OnBatchHook = progress => { if (progress.Batch == 4) cancel.Cancel(); } };

        var result = Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, observer, cancel.Token);

        Assert.Equal(TrainingOutcome.Cancelled, result.Outcome);
        Assert.Equal(4, observer.Batches.Count);
        Assert.Empty(result.Epochs);
        Assert.Empty(observer.Checkpoints);
        Assert.Contains("epoch 1, batch 4", result.Message);
    }

    [Fact]
    public void Batch_progress_counts_batches_within_the_epoch()
    {
        var observer = new RecordingObserver();
        Trainer.Run(new Hyperparameters { Architecture = "linear", Epochs = 1, BatchSize = 64 }, TestData.MnistSmall,
            TestData.CpuOptions, null, observer, CancellationToken.None);

        // 600 images in batches of 64: nine full batches and one of 24.
        Assert.Equal(Enumerable.Range(1, 10), observer.Batches.Select(b => b.Batch));
        Assert.All(observer.Batches, b => Assert.Equal((1, 10), (b.Epoch, b.BatchesPerEpoch)));
        Assert.All(observer.Batches, b => Assert.True(double.IsFinite(b.Loss) && b.SamplesPerSecond > 0));
    }

    [Fact]
    public void The_config_limit_trims_the_training_split()
    {
        var observer = new RecordingObserver();
        Trainer.Run(new Hyperparameters { Architecture = "linear", Epochs = 1, BatchSize = 50, Limit = 120 }, TestData.MnistSmall,
            TestData.CpuOptions, null, observer, CancellationToken.None);

        Assert.Equal(3, observer.Batches[^1].BatchesPerEpoch); // 120 images: 50 + 50 + 20
    }

    [Fact]
    public void Non_positive_checkpoint_interval_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Run(new Hyperparameters { Architecture = "linear", Epochs = 1 },
            TestData.MnistSmall, TestData.CpuOptions with { CheckpointEveryBatches = 0 }, null, new RecordingObserver(), CancellationToken.None));

        Assert.Contains("checkpoint_every_batches: must be positive, got 0", error.Message);
    }

    [Fact]
    public void Absurd_learning_rate_ends_as_diverged_not_a_crash()
    {
        var config = new Hyperparameters { Architecture = "cluster-mlp", Optimizer = "sgd", LearningRate = 1e12, Epochs = 3, BatchSize = 50 };
        var observer = new RecordingObserver();

        var result = Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None);

        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.Contains("became", result.Message);
        Assert.Contains("lr 1000000000000", result.Message);
        Assert.Empty(result.Epochs);
    }

    [Fact]
    public void A_checkpoint_from_another_batch_size_that_does_not_fit_is_refused()
    {
        var config = new Hyperparameters { Architecture = "linear", Epochs = 2, BatchSize = 20 };
        var checkpoints = Train(config, options: TestData.CpuOptions with { CheckpointEveryBatches = 25 }).Checkpoints;
        var deep = checkpoints.First(c => c.Batch == 25);

        var error = Assert.Throws<CheckpointFormatException>(() => Train(config with { BatchSize = 100 }, deep));

        Assert.Contains("batch 25", error.Message);
        Assert.Contains("batch_size 100", error.Message);
    }

    static RecordingObserver Train(Hyperparameters config, Checkpoint? resume = null, TrainingOptions? options = null)
    {
        var observer = new RecordingObserver();
        var result = Trainer.Run(config, TestData.MnistSmall, options ?? TestData.CpuOptions, resume, observer, CancellationToken.None);
        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal(observer.Epochs, result.Epochs);
        return observer;
    }

    // As a store would: only the record's fields survive.
    static Checkpoint Roundtrip(Checkpoint checkpoint) => new(checkpoint.Epoch, checkpoint.Batch, checkpoint.Bytes.ToArray());

    // Everything an epoch reports except timing.
    static List<string> Numbers(IEnumerable<EpochMetrics> epochs) => epochs
        .Select(e => string.Join(" ", e.Epoch, e.TrainMse.ToString("R"), e.TestMse.ToString("R"), e.TestPsnr?.ToString("R"),
            e.NoisyInputMse?.ToString("R"), e.NoisyInputPsnr?.ToString("R"), e.Nmi?.ToString("R"), e.ClusterAccuracy?.ToString("R"),
            e.BaselineNmi?.ToString("R"), e.BaselineClusterAccuracy?.ToString("R")))
        .ToList();
}
