namespace AeGrid.Grains.Samplers;

/// <summary>
/// A tiny, fully specified random stream (Steele, Lea and Flood's SplitMix64). Used instead of System.Random so a
/// sweep draws the same trials on every .NET version and machine: sweeps are resumed and extended from stored specs.
/// </summary>
internal struct SplitMix64(ulong state)
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    /// <summary>A stream for draw <paramref name="index"/> of the sweep seeded <paramref name="seed"/>: independent of other draws.</summary>
    public static SplitMix64 ForDraw(long seed, long index) => new(Mix(Mix(unchecked((ulong)seed)) + unchecked((ulong)index * Golden)));

    public ulong NextUInt64()
    {
        state = unchecked(state + Golden);
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="bound"/>) without modulo bias worth measuring (Lemire's multiply-high).</summary>
    public ulong NextBelow(ulong bound) => Math.BigMul(NextUInt64(), bound, out _);

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EB);
        return z ^ (z >> 31);
    }
}
