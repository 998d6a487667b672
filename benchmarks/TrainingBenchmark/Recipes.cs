namespace AeGrid.TrainingBenchmark;

/// <summary>One tutorial recipe as the benchmark runs it: its batch size and how much arithmetic one sample costs.</summary>
internal sealed record Recipe(string Name, int TutorialBatch, double ForwardFlopsPerSample, int Images)
{
    /// <summary>
    /// Training FLOPs per sample: forward + backward ≈ 3 × the forward GEMM/convolution FLOPs (the backward pass
    /// computes the gradient of the input and of the weights, each a product as large as the forward one).
    /// Element-wise work (activations, loss, noise, Adam) is not counted.
    /// </summary>
    public double TrainingFlopsPerSample => 3 * ForwardFlopsPerSample;

    // 2·in·out per linear layer (a multiply and an add per weight).
    static double Dense(params int[] widths)
    {
        double flops = 0;
        for (int i = 0; i + 1 < widths.Length; i++) flops += 2.0 * widths[i] * widths[i + 1];
        return flops;
    }

    // 2·Cout·Hout·Wout·Cin·k² per convolution; a transposed convolution does the same work seen from its input: 2·Cin·Hin·Win·Cout·k².
    static double Conv(int cin, int cout, int kernel, int side) => 2.0 * cout * side * side * cin * kernel * kernel;

    static readonly double ConvDenoiseFlops =
        Conv(1, 32, 3, 28) + Conv(32, 16, 3, 14) + Conv(16, 8, 3, 7)   // encoder (pooling halves the side after each)
        + Conv(8, 8, 3, 3) + Conv(8, 16, 2, 7) + Conv(16, 32, 2, 14)   // transposed: input sides 3, 7, 14
        + Conv(32, 1, 3, 28);

    /// <summary>The five tutorial recipes; Images is sized so one epoch takes about a second on one core.</summary>
    public static IReadOnlyList<Recipe> All { get; } =
    [
        new("linear", 20, Dense(784, 32, 784), 20_000),
        new("deep-mlp", 64, Dense(784, 128, 64, 12, 3, 12, 64, 128, 784), 20_000),
        new("denoise-mlp", 100, Dense(784, 256, 128, 256, 784), 8_000),
        new("conv-denoise", 20, ConvDenoiseFlops, 2_000),
        new("cluster-mlp", 100, Dense(784, 256, 100, 256, 784), 8_000),
    ];
}
