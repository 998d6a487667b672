using TorchSharp;
using static TorchSharp.torch;

namespace AeGrid.Models.Fusion;

/// <summary>
/// Adam or SGD for every member of a pack in one pass over the flat buffer, each member at its own learning rate
/// (a per-element rate vector for SGD; for Adam, each member's −lr/(1−β₁ᵗ) applied block by block). The arithmetic
/// is the solo optimisers' (Optimizers/AdamOptimizer, SgdOptimizer) element for element, so a member's update equals
/// its solo update given the same gradient. Members step in lockstep, so Adam's step count t is the pack's.
/// </summary>
internal sealed unsafe class FlatOptimizer : IDisposable
{
    const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    readonly Scalar beta1 = Beta1.ToScalar(), oneMinusBeta1 = (1 - Beta1).ToScalar();
    readonly Scalar beta2 = Beta2.ToScalar(), oneMinusBeta2 = (1 - Beta2).ToScalar();
    readonly Scalar epsilon = Epsilon.ToScalar(), minusOne = (-1.0).ToScalar();
    readonly StackedParameters parameters;
    readonly Tensor learningRates;
    readonly double[] memberRates;
    readonly Tensor[] parameterRows;
    readonly Tensor[]? firstMomentRows;
    readonly IReadOnlyList<(long Start, long Count, int Member, int Leaf, long LeafOffset)> memberRanges;
    readonly bool onCpu;

    public FlatOptimizer(string name, StackedParameters parameters, IReadOnlyList<double> learningRates, long step)
    {
        if (name is not ("adam" or "sgd")) throw new ArgumentException($"optimizer: unknown optimizer '{name}'");
        Name = name;
        this.parameters = parameters;
        this.learningRates = parameters.PerMemberVector(learningRates);
        memberRates = [.. learningRates];
        Step = step;
        parameterRows = parameters.MemberRows(parameters.Flat);
        memberRanges = parameters.MemberRanges();
        onCpu = parameters.Flat.device_type == DeviceType.CPU;
        if (IsAdam)
        {
            FirstMoment = zeros_like(parameters.Flat);
            SecondMoment = zeros_like(parameters.Flat);
            firstMomentRows = parameters.MemberRows(FirstMoment);
        }
    }

    public string Name { get; }
    bool IsAdam => Name == "adam";
    /// <summary>Adam's update count (the t of its bias corrections); 0 for SGD.</summary>
    public long Step { get; private set; }
    public Tensor? FirstMoment { get; }
    public Tensor? SecondMoment { get; }

    public void Update()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        if (!IsAdam)
        {
            parameters.Flat.addcmul_(FlatGradient(), learningRates, minusOne);
            return;
        }
        Step++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, Step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, Step);
        if (onCpu)
        {
            UpdateOnCpu(biasCorrection1, biasCorrection2);
            return;
        }
        var grad = FlatGradient();
        using var rootBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
        // Solo computes p + (−lr/(1−β₁ᵗ))·m / denominator with the factor rounded to float: the same here, per member.
        var negativeStepSizes = tensor(memberRates.Select(lr => (float)(-lr / biasCorrection1)).ToArray(), [memberRates.Length, 1], float32, parameters.Flat.device);
        FirstMoment!.mul_(beta1).add_(grad, oneMinusBeta1);
        SecondMoment!.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
        var denominator = SecondMoment.sqrt().div_(rootBiasCorrection2).add_(epsilon, NativeScalars.One);
        var denominatorRows = parameters.MemberRows(denominator);
        for (int block = 0; block < parameterRows.Length; block++)
            parameterRows[block].addcdiv_(firstMomentRows![block].mul(negativeStepSizes), denominatorRows[block], NativeScalars.One);
    }

    // One pass per member run (AdamKernel), each with that member's step factor.
    void UpdateOnCpu(double biasCorrection1, double biasCorrection2)
    {
        var constants = new AdamKernel.Constants((float)Beta1, (float)(1 - Beta1), (float)Beta2, (float)(1 - Beta2),
            1f / (float)Math.Sqrt(biasCorrection2), (float)Epsilon);
        float* p = AdamKernel.Data(parameters.Flat), m = AdamKernel.Data(FirstMoment!), v = AdamKernel.Data(SecondMoment!);
        var grads = Enumerable.Range(0, parameters.LeafCount).Select(LeafGradient).ToArray();
        var gradData = grads.Select(g => (IntPtr)AdamKernel.Data(g)).ToArray();
        var stepSizes = memberRates.Select(lr => (float)(-lr / biasCorrection1)).ToArray();
        // The kernel indexes g like p: shift each leaf's gradient pointer so that g[start] is the range's first gradient.
        foreach (var (start, count, member, leaf, leafOffset) in memberRanges)
            AdamKernel.Update(p, (float*)gradData[leaf] + leafOffset - start, m, v, start, count, constants, stepSizes[member]);
    }

    // A leaf's gradient in the leaf's own (contiguous) layout; autograd hands it over so, this only guards.
    Tensor LeafGradient(int leaf)
    {
        var grad = parameters.Leaf(leaf).grad ?? throw new InvalidOperationException($"fused layer parameter {leaf} has no gradient after backward");
        return grad.is_contiguous() ? grad : grad.contiguous();
    }

    // All leaves' gradients in the flat layout, for the tensor-operation paths (SGD, Adam off the CPU).
    Tensor FlatGradient() => cat([.. Enumerable.Range(0, parameters.LeafCount).Select(leaf => LeafGradient(leaf).flatten())]);

    public void Dispose()
    {
        learningRates.Dispose();
        foreach (var row in parameterRows.Concat(firstMomentRows ?? [])) row.Dispose();
        FirstMoment?.Dispose();
        SecondMoment?.Dispose();
        foreach (var scalar in new[] { beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, minusOne }) scalar.Dispose();
    }
}
