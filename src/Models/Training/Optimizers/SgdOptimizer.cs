using TorchSharp;
using TorchSharp.Modules;

namespace AeGrid.Models.Training.Optimizers;

/// <summary>Plain stochastic gradient descent: p ← p − lr·g (no momentum, no weight decay). Stateless.</summary>
internal sealed class SgdOptimizer(IEnumerable<Parameter> parameters, double learningRate) : ParameterOptimizer(parameters)
{
    readonly Scalar negativeLearningRate = (-learningRate).ToScalar();

    protected override string Name => "sgd";

    protected override void Update()
    {
        FlatParameters.add_(FlatGradients, negativeLearningRate);
    }

    protected override void SaveState(BinaryWriter writer) { }
    protected override void LoadState(BinaryReader reader) { }

    public override void Dispose()
    {
        negativeLearningRate.Dispose();
        base.Dispose();
    }
}
