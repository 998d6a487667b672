using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AeGrid.Models.Training.Optimizers;

/// <summary>
/// Adam (Kingma and Ba) with PyTorch's defaults β = (0.9, 0.999), ε = 1e-8, no weight decay, no AMSGrad:
/// m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
/// </summary>
/// <remarks>One pass over the flat buffers (see <see cref="ParameterOptimizer"/>): 7 calls per step whatever the model.</remarks>
internal sealed class AdamOptimizer : ParameterOptimizer
{
    const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    readonly double learningRate;
    readonly Tensor firstMoment;
    readonly Tensor secondMoment;
    readonly Scalar beta1 = Beta1.ToScalar();
    readonly Scalar oneMinusBeta1 = (1 - Beta1).ToScalar();
    readonly Scalar beta2 = Beta2.ToScalar();
    readonly Scalar oneMinusBeta2 = (1 - Beta2).ToScalar();
    readonly Scalar epsilon = Epsilon.ToScalar();
    long step;

    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate) : base(parameters)
    {
        this.learningRate = learningRate;
        firstMoment = zeros_like(FlatParameters).DetachFromDisposeScope();
        secondMoment = zeros_like(FlatParameters).DetachFromDisposeScope();
    }

    protected override string Name => "adam";

    protected override void Update()
    {
        step++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, step);
        using var rootBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
        using var negativeStepSize = (-learningRate / biasCorrection1).ToScalar();
        var grad = FlatGradients;
        firstMoment.mul_(beta1).add_(grad, oneMinusBeta1);
        secondMoment.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
        var denominator = secondMoment.sqrt().div_(rootBiasCorrection2).add_(epsilon, NativeScalars.One);
        FlatParameters.addcdiv_(firstMoment, denominator, negativeStepSize);
    }

    protected override void SaveState(BinaryWriter writer)
    {
        writer.Write(step);
        // Per parameter, as before the buffers were flat: checkpoints stay readable both ways.
        for (int i = 0; i < Parameters.Count; i++)
        {
            using (var m = Slice(firstMoment, i)) m.Save(writer);
            using (var v = Slice(secondMoment, i)) v.Save(writer);
        }
    }

    protected override void LoadState(BinaryReader reader)
    {
        step = reader.ReadInt64();
        for (int i = 0; i < Parameters.Count; i++)
        {
            using (var m = Slice(firstMoment, i)) LoadInto(m, reader, $"first moment {i}");
            using (var v = Slice(secondMoment, i)) LoadInto(v, reader, $"second moment {i}");
        }
    }

    public override void Dispose()
    {
        firstMoment.Dispose();
        secondMoment.Dispose();
        base.Dispose();
        foreach (var scalar in new[] { beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon }) scalar.Dispose();
    }
}
