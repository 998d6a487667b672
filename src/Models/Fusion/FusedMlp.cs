using static TorchSharp.torch;

namespace AeGrid.Models.Fusion;

/// <summary>
/// The forward pass of K members at once. The first layer is where fusion pays on a CPU: when members share their
/// input it is one wide GEMM, [B, 784] × [784, K·h], instead of K narrow ones; later layers see a different input
/// per member and run as batched products over [K, B, h].
/// </summary>
internal static class FusedMlp
{
    /// <summary>First layer, all members on the same images: [B, K·h] before the activation.</summary>
    public static Tensor FirstLayerShared(StackedParameters parameters, Tensor images) =>
        nn.functional.linear(images, parameters.Weights[0], parameters.Biases[0]);

    /// <summary>
    /// First layer for members fed clean + f_k·noise with one shared noise draw (same seed, no clipping):
    /// (clean + f_k·n)·W_kᵀ = clean·W_kᵀ + f_k·(n·W_kᵀ): one wide GEMM over the clean and the noise rows stacked,
    /// [2B, 784] × [784, K·h], instead of K narrow ones (and one weight-gradient GEMM in backward, not two).
    /// <paramref name="columnFactors"/> holds f_k on each of member k's h output columns.
    /// </summary>
    public static Tensor FirstLayerSharedNoise(StackedParameters parameters, Tensor clean, Tensor noise, Tensor columnFactors)
    {
        long batch = clean.shape[0];
        var both = nn.functional.linear(cat([clean, noise]), parameters.Weights[0]);
        var fromClean = both.narrow(0, 0, batch).add(parameters.Biases[0], NativeScalars.One);
        return fromClean.addcmul(both.narrow(0, batch, batch), columnFactors, NativeScalars.One);
    }

    /// <summary>First layer, member k on its own images <paramref name="inputs"/>[k] ([K, B, 784]): [K, B, h] before the activation.</summary>
    public static Tensor FirstLayerPerMember(StackedParameters parameters, Tensor inputs)
    {
        var layer = parameters.Layers[0];
        int members = parameters.Members;
        var weights = parameters.Weights[0].view(members, layer.Out, layer.In).transpose(1, 2);
        var biases = parameters.Biases[0].view(members, 1, layer.Out);
        return BatchedLinear(inputs, weights, biases);
    }

    /// <summary>The rest of the network from the first layer's pre-activation ([B, K·h] or [K, B, h]): outputs [K, B, 784].</summary>
    public static Tensor Rest(StackedParameters parameters, Tensor firstPreActivation)
    {
        var layers = parameters.Layers;
        var hidden = Activate(firstPreActivation, layers[0].Activation);
        if (hidden.dim() == 2)
            hidden = hidden.view(hidden.shape[0], parameters.Members, layers[0].Out).transpose(0, 1);
        for (int l = 1; l < layers.Count; l++)
        {
            var biases = parameters.Biases[l].unsqueeze(1);
            hidden = Activate(BatchedLinear(hidden, parameters.Weights[l], biases), layers[l].Activation);
        }
        return hidden;
    }

    // x·W + b per member. Not baddbmm: TorchSharp 0.107's Tensor.baddbmm passes its operands to libtorch in another
    // order than it documents (the bias ends up as a batch operand).
    static Tensor BatchedLinear(Tensor inputs, Tensor transposedWeights, Tensor biases) =>
        bmm(inputs, transposedWeights).add_(biases, NativeScalars.One);

    static Tensor Activate(Tensor x, LayerActivation activation) => activation switch
    {
        LayerActivation.Relu => nn.functional.relu(x),
        LayerActivation.Sigmoid => nn.functional.sigmoid(x),
        _ => x,
    };
}
