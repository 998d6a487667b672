using static TorchSharp.torch;

namespace AeGrid.Models.Training;

/// <summary>
/// Every random draw of a run comes from a generator seeded by (seed, purpose, epoch, batch), never from a
/// generator that lives across batches. So the position (epoch, batch) is the whole RNG state: a checkpoint
/// needs no generator state, and concurrent trials in one process cannot disturb each other.
/// </summary>
internal static class Seeds
{
    enum Purpose : ulong { Initialisation = 1, Shuffle = 2, TrainNoise = 3, TestNoise = 4, KMeans = 5, EvaluationTrainNoise = 6 }

    public static Generator Initialisation(long seed) => Cpu(Derive(seed, Purpose.Initialisation));
    public static Generator Shuffle(long seed, int epoch) => Cpu(Derive(seed, Purpose.Shuffle, epoch));
    public static Generator TrainNoise(long seed, int epoch, int batch) => Cpu(Derive(seed, Purpose.TrainNoise, epoch, batch));
    /// <summary>The test inputs get the same noise every epoch: it depends on the evaluation batch only.</summary>
    public static Generator TestNoise(long seed, int batch) => Cpu(Derive(seed, Purpose.TestNoise, batch));
    public static Generator EvaluationTrainNoise(long seed, int batch) => Cpu(Derive(seed, Purpose.EvaluationTrainNoise, batch));
    public static ulong KMeans(long seed) => Derive(seed, Purpose.KMeans);

    // Generators live on the CPU so the same seed draws the same numbers whatever device trains.
    static Generator Cpu(ulong seed) => new(seed, CPU);

    static ulong Derive(long seed, Purpose purpose, long first = 0, long second = 0)
    {
        ulong state = SplitMix64.Next((ulong)seed);
        state = SplitMix64.Next(state ^ (ulong)purpose);
        state = SplitMix64.Next(state ^ (ulong)first);
        return SplitMix64.Next(state ^ (ulong)second);
    }
}

/// <summary>Steele, Lea and Flood's SplitMix64: a tiny, well-mixed, portable 64-bit generator.</summary>
internal struct SplitMix64(ulong seed)
{
    ulong state = seed;

    public static ulong Next(ulong value)
    {
        ulong z = value + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="exclusiveMax"/>).</summary>
    public int NextInt(int exclusiveMax) => (int)(NextDouble() * exclusiveMax);
}
