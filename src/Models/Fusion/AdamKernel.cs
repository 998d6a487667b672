using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace AeGrid.Models.Fusion;

/// <summary>
/// Adam's whole update in one pass over the flat buffers, for CPU tensors. libtorch's elementwise operators each
/// stream the buffers through memory again (nine passes and two temporaries per step): for a pack's flat buffer,
/// which outgrows the caches that one member's parameters fit in, that made the fused step slower than K solo steps.
/// Each element follows libtorch's operations in libtorch's order (m·β₁ then fused multiply-add of (1−β₁)·g;
/// v·β₂ + ((1−β₂)·g)·g; √v·(1/√(1−β₂ᵗ)) + ε; p + (s·m)/denominator), so results agree with the solo optimiser to
/// float rounding.
/// </summary>
internal static unsafe class AdamKernel
{
    public readonly record struct Constants(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float InverseRootBiasCorrection2, float Epsilon);

    [DllImport("LibTorchSharp")]
    static extern IntPtr THSTensor_data(IntPtr handle);

    /// <summary>The first element of a contiguous CPU float tensor.</summary>
    public static float* Data(Tensor tensor) => (float*)THSTensor_data(tensor.Handle);

    /// <summary>Updates elements [start, start+count) with step factor <paramref name="negativeStepSize"/> (−lr/(1−β₁ᵗ), rounded to float).</summary>
    public static void Update(float* p, float* g, float* m, float* v, long start, long count, in Constants c, float negativeStepSize)
    {
        long i = start, end = start + count;
        if (Fma.IsSupported && Vector256.IsHardwareAccelerated)
        {
            var beta1 = Vector256.Create(c.Beta1);
            var oneMinusBeta1 = Vector256.Create(c.OneMinusBeta1);
            var beta2 = Vector256.Create(c.Beta2);
            var oneMinusBeta2 = Vector256.Create(c.OneMinusBeta2);
            var inverseRoot = Vector256.Create(c.InverseRootBiasCorrection2);
            var epsilon = Vector256.Create(c.Epsilon);
            var step = Vector256.Create(negativeStepSize);
            for (; i + 8 <= end; i += 8)
            {
                var grad = Avx.LoadVector256(g + i);
                var first = Fma.MultiplyAdd(grad, oneMinusBeta1, Avx.Multiply(Avx.LoadVector256(m + i), beta1));
                var second = Avx.Add(Avx.Multiply(Avx.LoadVector256(v + i), beta2), Avx.Multiply(Avx.Multiply(oneMinusBeta2, grad), grad));
                var denominator = Avx.Add(Avx.Multiply(Avx.Sqrt(second), inverseRoot), epsilon);
                Avx.Store(m + i, first);
                Avx.Store(v + i, second);
                Avx.Store(p + i, Avx.Add(Avx.LoadVector256(p + i), Avx.Divide(Avx.Multiply(step, first), denominator)));
            }
        }
        for (; i < end; i++)
        {
            float grad = g[i];
            float first = MathF.FusedMultiplyAdd(grad, c.OneMinusBeta1, m[i] * c.Beta1);
            float second = v[i] * c.Beta2 + c.OneMinusBeta2 * grad * grad;
            float denominator = MathF.Sqrt(second) * c.InverseRootBiasCorrection2 + c.Epsilon;
            m[i] = first;
            v[i] = second;
            p[i] += negativeStepSize * first / denominator;
        }
    }
}
