using AeGrid.Models.Architectures;
using AeGrid.Models.Fusion;
using AeGrid.Models.Training;
using static TorchSharp.torch;

namespace AeGrid.Models.Tests.Fusion;

/// <summary>
/// A pack member reports what it would report alone: each member is compared with the same config trained by
/// <see cref="Trainer.Run"/>, epoch by epoch and weight by weight. Fused sums run in another order (wide GEMMs,
/// batched products, Adam's lr applied per element), so the comparison allows float rounding (1e-4 relative),
/// not bit equality; a wrong init, batch, noise draw or learning rate differs by far more.
/// </summary>
public sealed class FusedPackTests
{
    const double Tolerance = 1e-4;

    // Weights after several Adam steps get a looser bound than the metrics: a fused GEMM sums in another order than a solo
    // one (and which kernel libtorch picks depends on the CPU: AVX2 or AVX-512), and Adam divides by √v, so a rounding
    // difference in a near-zero gradient becomes a difference of up to lr in a weight. Seen on one AVX-512 host: 1.5e-4 of
    // the largest weight for lr 0.02 after 18 steps; the metrics each member reports still agree within Tolerance.
    const double WeightTolerance = 5e-4;

    public static TheoryData<string, Hyperparameters[]> Packs => new()
    {
        // Clean inputs, shuffle off: members differ in seed (initial weights) and lr. One wide first-layer GEMM.
        { "linear adam", Members(new() { Architecture = "linear", Shuffle = false }, (1, 1e-3, null), (2, 3e-3, null), (3, 2e-4, null)) },
        { "linear sgd", Members(new() { Architecture = "linear", Shuffle = false, Optimizer = "sgd" }, (4, 0.5, null), (5, 0.1, null)) },
        // Shuffled: one seed (it decides the order), lr differs.
        { "deep-mlp shuffled", Members(new() { Architecture = "deep-mlp", Dataset = "mnist" }, (7, 5e-3, null), (7, 1e-3, null), (7, 2e-2, null)) },
        // Unclipped noise from one seed, factors differ: the shared-noise first layer.
        { "denoise-mlp shared noise", Members(new() { Architecture = "denoise-mlp", HiddenSizes = [64, 32] }, (9, 0.01, 0.6), (9, 0.02, 0.3), (9, 0.005, 0.0)) },
        // Clipped noise, different seeds: each member's own noisy images, a batched first layer.
        { "denoise-mlp own noise", Members(new() { Architecture = "denoise-mlp", HiddenSizes = [64, 32], Shuffle = false, ClipNoise = true },
            (10, 0.01, 0.5), (11, 0.01, 0.2)) },
    };

    static Hyperparameters[] Members(Hyperparameters template, params (long Seed, double Lr, double? Noise)[] members) =>
        [.. members.Select(m => template with { Seed = m.Seed, LearningRate = m.Lr, NoiseFactor = m.Noise ?? template.NoiseFactor, Epochs = 3, BatchSize = 20, Limit = 120 })];

    [Theory]
    [MemberData(nameof(Packs))]
    public void Every_member_reports_what_it_reports_alone(string name, Hyperparameters[] configs)
    {
        var observers = configs.Select(_ => new MemberObserver()).ToArray();
        using var pack = FusedPack.Create([.. configs.Select((c, k) => new PackMember(c, observers[k]))], TestData.MnistSmall, TestData.CpuOptions);

        var results = pack.Train();

        for (int k = 0; k < configs.Length; k++)
        {
            var solo = Solo(configs[k]);
            Assert.True(TrainingOutcome.Completed == results[k].Outcome, $"{name}, member {k}: {results[k].Outcome} {results[k].Message}");
            AssertSameEpochs(solo.Epochs, results[k].Epochs, $"{name}, member {k}");
            Assert.Equal(solo.Batches.Select(b => (b.Epoch, b.Batch)), observers[k].Batches.Select(b => (b.Epoch, b.Batch)));
            Assert.Equal(solo.Checkpoints.Select(c => (c.Epoch, c.Batch)), observers[k].Checkpoints.Select(c => (c.Epoch, c.Batch)));
            AssertSameWeights(configs[k], solo.Checkpoints[^1], observers[k].Checkpoints[^1], $"{name}, member {k}");
        }
    }

    [Fact]
    public void A_removed_member_leaves_the_others_as_they_would_be_alone()
    {
        var configs = Members(new() { Architecture = "linear", Shuffle = false }, (1, 1e-3, null), (2, 3e-3, null), (3, 2e-4, null));
        FusedPack? pack = null;
        var observers = new[]
        {
            new MemberObserver(),
            new MemberObserver { OnEpochHook = metrics => { if (metrics.Epoch == 1) pack!.Remove(1, "pruned after epoch 1"); } },
            new MemberObserver(),
        };
        using (pack = FusedPack.Create([.. configs.Select((c, k) => new PackMember(c, observers[k]))], TestData.MnistSmall, TestData.CpuOptions))
        {
            var results = pack.Train();

            Assert.Equal(TrainingOutcome.Cancelled, results[1].Outcome);
            Assert.Equal("pruned after epoch 1", results[1].Message);
            Assert.Single(results[1].Epochs);
            Assert.Equal([0, 2], new[] { 0, 1, 2 }.Where(k => results[k].Outcome == TrainingOutcome.Completed));
            foreach (int k in new[] { 0, 2 })
            {
                var solo = Solo(configs[k]);
                AssertSameEpochs(solo.Epochs, results[k].Epochs, $"member {k}");
                AssertSameWeights(configs[k], solo.Checkpoints[^1], observers[k].Checkpoints[^1], $"member {k}");
            }
            // The removed member's checkpoint is its state when it left: epoch 1 of its solo run.
            AssertSameWeights(configs[1], Solo(configs[1] with { Epochs = 1 }).Checkpoints[^1], pack.CheckpointOf(1), "removed member");
        }
    }

    [Fact]
    public void A_cancelled_or_diverging_member_leaves_without_disturbing_the_others()
    {
        // Member 1's noise (σ = 1e38) overflows its first layer to ±∞ and its loss to NaN, alone as in the pack.
        var configs = Members(new() { Architecture = "denoise-mlp", HiddenSizes = [64, 32], Shuffle = false },
            (1, 0.01, 0.3), (2, 0.01, 1e38), (3, 0.02, 0.5));
        using var cancel = new CancellationTokenSource();
        var observers = new[]
        {
            new MemberObserver(),
            new MemberObserver(),
            new MemberObserver { OnBatchHook = progress => { if (progress is { Epoch: 2, Batch: 2 }) cancel.Cancel(); } },
        };
        using var pack = FusedPack.Create([
            new PackMember(configs[0], observers[0]),
            new PackMember(configs[1], observers[1]),
            new PackMember(configs[2], observers[2]) { Cancel = cancel.Token },
        ], TestData.MnistSmall, TestData.CpuOptions);

        var results = pack.Train();

        var soloDiverging = Trainer.Run(configs[1], TestData.MnistSmall, TestData.CpuOptions, null, new MemberObserver(), CancellationToken.None);
        Assert.Equal(TrainingOutcome.Diverged, results[1].Outcome);
        Assert.Equal(soloDiverging.Outcome, results[1].Outcome);
        Assert.Equal(soloDiverging.Message, results[1].Message);
        Assert.Equal(TrainingOutcome.Cancelled, results[2].Outcome);
        Assert.Equal("cancelled at epoch 2, batch 2", results[2].Message);
        Assert.Equal(TrainingOutcome.Completed, results[0].Outcome);
        AssertSameEpochs(Solo(configs[0]).Epochs, results[0].Epochs, "member 0");
    }

    [Fact]
    public void A_member_checkpoint_resumes_alone_and_solo_checkpoints_join_a_pack()
    {
        var configs = Members(new() { Architecture = "deep-mlp", Dataset = "mnist" }, (5, 5e-3, null), (5, 1e-3, null));
        var straight = configs.Select(c => Solo(c)).ToArray();

        // Fused for two epochs, then member 1 goes on alone from its checkpoint.
        var observers = configs.Select(_ => new MemberObserver()).ToArray();
        using (var pack = FusedPack.Create([.. configs.Select((c, k) => new PackMember(c with { Epochs = 2 }, observers[k]))], TestData.MnistSmall, TestData.CpuOptions))
            pack.Train();
        var alone = new MemberObserver();
        var resumed = Trainer.Run(configs[1], TestData.MnistSmall, TestData.CpuOptions, observers[1].Checkpoints[^1], alone, CancellationToken.None);
        Assert.Equal(TrainingOutcome.Completed, resumed.Outcome);
        AssertSameEpochs(straight[1].Epochs, [.. observers[1].Epochs, .. resumed.Epochs], "fused then alone");
        AssertSameWeights(configs[1], straight[1].Checkpoints[^1], alone.Checkpoints[^1], "fused then alone");

        // Alone for one epoch, then both join a pack from their solo checkpoints.
        var firstEpoch = configs.Select(c => Solo(c with { Epochs = 1 }).Checkpoints[^1]).ToArray();
        var joined = configs.Select(_ => new MemberObserver()).ToArray();
        using (var pack = FusedPack.Create([.. configs.Select((c, k) => new PackMember(c, joined[k]) { Resume = firstEpoch[k] })], TestData.MnistSmall, TestData.CpuOptions))
            pack.Train();
        for (int k = 0; k < configs.Length; k++)
        {
            AssertSameEpochs(straight[k].Epochs.Skip(1).ToList(), joined[k].Epochs, $"joined member {k}");
            AssertSameWeights(configs[k], straight[k].Checkpoints[^1], joined[k].Checkpoints[^1], $"joined member {k}");
        }
    }

    [Fact]
    public void A_paused_member_hands_over_a_mid_epoch_checkpoint_that_resumes_alone()
    {
        var configs = Members(new() { Architecture = "linear", Shuffle = false }, (1, 1e-3, null), (2, 3e-3, null));
        using var pause = new CancellationTokenSource();
        var observers = new[]
        {
            new MemberObserver(),
            new MemberObserver { OnBatchHook = progress => { if (progress is { Epoch: 2, Batch: 3 }) pause.Cancel(); } },
        };
        using var pack = FusedPack.Create([new PackMember(configs[0], observers[0]), new PackMember(configs[1], observers[1]) { Pause = pause.Token }],
            TestData.MnistSmall, TestData.CpuOptions);

        var results = pack.Train();

        Assert.Equal(TrainingOutcome.Paused, results[1].Outcome);
        Assert.Equal("paused at epoch 2, batch 3", results[1].Message);
        Assert.Equal((1, 3), (observers[1].Checkpoints[^1].Epoch, observers[1].Checkpoints[^1].Batch));
        var alone = new MemberObserver();
        var resumed = Trainer.Run(configs[1], TestData.MnistSmall, TestData.CpuOptions, observers[1].Checkpoints[^1], alone, CancellationToken.None);
        var straight = Solo(configs[1]);
        // The checkpoint carries the partial sums of epoch 2, so its train MSE is the whole epoch's.
        AssertSameEpochs(straight.Epochs, [.. results[1].Epochs, .. resumed.Epochs], "paused then alone");
        AssertSameWeights(configs[1], straight.Checkpoints[^1], alone.Checkpoints[^1], "paused then alone");
        AssertSameEpochs(Solo(configs[0]).Epochs, results[0].Epochs, "member 0");
    }

    [Theory]
    [InlineData("conv-denoise", 1, "architecture conv-denoise cannot be fused")]
    [InlineData("linear", 2, "seed 2 differs from the pack's 1; with shuffle on")]
    public void Members_that_cannot_share_batches_are_refused(string architecture, long seed, string expected)
    {
        var first = new Hyperparameters { Architecture = "linear", Shuffle = true, Seed = 1 };
        var second = new Hyperparameters { Architecture = architecture, Shuffle = true, Seed = seed };

        var error = Assert.Throws<ArgumentException>(() => FusedPack.Create(
            [new PackMember(first, new MemberObserver()), new PackMember(second, new MemberObserver())], TestData.MnistSmall, TestData.CpuOptions));

        Assert.Contains("member 1: " + expected, error.Message);
    }

    static MemberObserver Solo(Hyperparameters config)
    {
        var observer = new MemberObserver();
        var result = Trainer.Run(config, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None);
        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        return observer;
    }

    static void AssertSameEpochs(IReadOnlyList<EpochMetrics> expected, IReadOnlyList<EpochMetrics> actual, string what)
    {
        Assert.Equal(expected.Select(e => e.Epoch), actual.Select(e => e.Epoch));
        for (int i = 0; i < expected.Count; i++)
        {
            AssertClose(expected[i].TrainMse, actual[i].TrainMse, $"{what}: train MSE of epoch {expected[i].Epoch}");
            AssertClose(expected[i].TestMse, actual[i].TestMse, $"{what}: test MSE of epoch {expected[i].Epoch}");
            Assert.Equal(expected[i].NoisyInputMse, actual[i].NoisyInputMse);
        }
    }

    static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");

    // Both checkpoints' weights, loaded into models of the config's shape, agree parameter by parameter.
    static void AssertSameWeights(Hyperparameters config, Checkpoint expected, Checkpoint actual, string what)
    {
        Assert.Equal((expected.Epoch, expected.Batch), (actual.Epoch, actual.Batch));
        using var expectedModel = TrainedModel.FromCheckpoint(config, expected, TestData.CpuOptions);
        using var actualModel = TrainedModel.FromCheckpoint(config, actual, TestData.CpuOptions);
        var pairs = expectedModel.Network.named_parameters().Zip(actualModel.Network.named_parameters());
        foreach (var ((name, e), (_, a)) in pairs)
        {
            double difference = (e - a).abs().max().item<float>(), scale = e.abs().max().item<float>();
            Assert.True(difference <= WeightTolerance * scale, $"{what}: {name} differs by {difference} (largest weight {scale})");
        }
    }
}

/// <summary>Records what a member (or a solo run) reports; the hooks act on it (prune, cancel).</summary>
internal sealed class MemberObserver : ITrainingObserver
{
    public List<BatchProgress> Batches { get; } = [];
    public List<EpochMetrics> Epochs { get; } = [];
    public List<Checkpoint> Checkpoints { get; } = [];
    public Action<BatchProgress>? OnBatchHook { get; init; }
    public Action<EpochMetrics>? OnEpochHook { get; init; }

    public void OnBatch(BatchProgress progress)
    {
        Batches.Add(progress);
        OnBatchHook?.Invoke(progress);
    }

    public void OnEpoch(EpochMetrics metrics)
    {
        Epochs.Add(metrics);
        OnEpochHook?.Invoke(metrics);
    }

    public void OnCheckpoint(Checkpoint checkpoint) => Checkpoints.Add(checkpoint);
}
