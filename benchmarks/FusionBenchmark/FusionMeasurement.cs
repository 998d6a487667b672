using AeGrid.Models.Data;
using AeGrid.Models.Fusion;
using AeGrid.Models.Training;

namespace AeGrid.FusionBenchmark;

/// <summary>Member-samples per second, by wall clock and by the training thread's CPU time.</summary>
internal readonly record struct Throughput(double Wall, double Cpu);

/// <summary>Medians over the rounds of one recipe: solo throughput and fused throughput per pack size.</summary>
internal sealed record FusionRow(Recipe Recipe, Throughput Solo, IReadOnlyDictionary<int, Throughput> Fused)
{
    public Throughput Ratio(int k) => new(Fused[k].Wall / Solo.Wall, Fused[k].Cpu / Solo.Cpu);
}

internal static class FusionMeasurement
{
    static readonly TrainingOptions OneThread = new() { Device = "cpu", Threads = 1 };
    const int Epochs = 1;

    public static FusionRow Measure(Recipe recipe, FusionOptions options)
    {
        var data = SyntheticData(options.Images);
        var solo = new List<Throughput>();
        var fused = options.PackSizes.ToDictionary(k => k, _ => new List<Throughput>());
        // Warm-up (libtorch kernels, JIT), not counted.
        Solo(recipe, data, options.Images);
        // Side by side: every round measures solo and each pack size, so machine noise hits all of them alike.
        for (int round = 0; round < options.Rounds; round++)
        {
            solo.Add(Solo(recipe, data, options.Images));
            foreach (int k in options.PackSizes) fused[k].Add(Fused(recipe, data, options.Images, k));
        }
        return new FusionRow(recipe, Median(solo), fused.ToDictionary(p => p.Key, p => Median(p.Value)));
    }

    // One trial alone. K trials one at a time give the same member-samples per second.
    static Throughput Solo(Recipe recipe, Dataset data, int images)
    {
        var clock = new BatchClock();
        Trainer.Run(recipe.Member(0) with { Epochs = Epochs }, data, OneThread, null, clock, CancellationToken.None);
        return PerSecond(clock, recipe, images, members: 1);
    }

    // K trials as one pack: K members' samples per fused batch.
    static Throughput Fused(Recipe recipe, Dataset data, int images, int k)
    {
        var clock = new BatchClock();
        var members = Enumerable.Range(0, k)
            .Select(m => new PackMember(recipe.Member(m) with { Epochs = Epochs }, m == 0 ? clock : new BatchClock()));
        using var pack = FusedPack.Create([.. members], data, OneThread);
        pack.Train();
        return PerSecond(clock, recipe, images, members: k);
    }

    static Throughput PerSecond(BatchClock clock, Recipe recipe, int images, int members)
    {
        int batch = recipe.Config.BatchSize!.Value;
        var (wall, cpu) = clock.MedianBatchSeconds(batch, images);
        return new Throughput(members * batch / wall, members * batch / cpu);
    }

    // Random pixels: throughput does not depend on what the images show. A small test split keeps evaluation short.
    static Dataset SyntheticData(int images)
    {
        var random = new Random(1);
        ImageSet Set(int count) => new([.. Enumerable.Range(0, count * 784).Select(_ => (float)random.NextDouble())],
            [.. Enumerable.Range(0, count).Select(i => (byte)(i % 10))], count, 28, 28);
        return new Dataset("synthetic", Set(images), Set(100));
    }

    static Throughput Median(List<Throughput> values) =>
        new(BatchClock.Median(values.Select(v => v.Wall)), BatchClock.Median(values.Select(v => v.Cpu)));
}
