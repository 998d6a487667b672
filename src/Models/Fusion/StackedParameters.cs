using TorchSharp;
using static TorchSharp.torch;

namespace AeGrid.Models.Fusion;

/// <summary>
/// The parameters of K members with identical layers in one flat buffer, layer-major: layer 0's weights of member
/// 0..K−1, then layer 0's biases, then layer 1's, … So every layer's weights of all members are one contiguous
/// [K·out, in] block (the first layer's wide GEMM reads it as is; later layers read it as [K, out, in] for bmm), and
/// the optimiser updates all members with a handful of elementwise operations over the whole buffer.
/// </summary>
/// <remarks>
/// The layer tensors handed to autograd are leaf views of <see cref="Flat"/>, and their .grad are views of
/// <see cref="FlatGrad"/>: backward accumulates in place into the flat gradient, so no copy joins the per-layer
/// gradients before the optimiser step.
/// </remarks>
internal sealed class StackedParameters : IDisposable
{
    readonly long[] weightOffsets, biasOffsets;

    public StackedParameters(IReadOnlyList<FusedLayer> layers, int members, Device device)
    {
        Layers = layers;
        Members = members;
        weightOffsets = new long[layers.Count];
        biasOffsets = new long[layers.Count];
        long size = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            weightOffsets[l] = size;
            size += (long)members * layers[l].Out * layers[l].In;
            biasOffsets[l] = size;
            size += (long)members * layers[l].Out;
        }
        Size = size;
        Flat = zeros(size, float32, device);
        FlatGrad = zeros(size, float32, device);
        Weights = new Tensor[layers.Count];
        Biases = new Tensor[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            var (weightShape, biasShape) = l == 0
                ? (new long[] { members * (long)layers[l].Out, layers[l].In }, new long[] { members * (long)layers[l].Out })
                : (new long[] { members, layers[l].Out, layers[l].In }, new long[] { members, layers[l].Out });
            Weights[l] = LeafView(weightOffsets[l], weightShape);
            Biases[l] = LeafView(biasOffsets[l], biasShape);
        }
    }

    public IReadOnlyList<FusedLayer> Layers { get; }
    public int Members { get; }
    public long Size { get; }
    public Tensor Flat { get; }
    public Tensor FlatGrad { get; }
    /// <summary>Layer 0: [K·out, in]; later layers: [K, out, in]. Leaves that require grad.</summary>
    public Tensor[] Weights { get; }
    /// <summary>Layer 0: [K·out]; later layers: [K, out].</summary>
    public Tensor[] Biases { get; }
    /// <summary>Per member: a weight and a bias for each layer, as in the solo model's parameters().</summary>
    public int ParametersPerMember => 2 * Layers.Count;

    Tensor LeafView(long offset, long[] shape)
    {
        long count = shape.Aggregate(1L, (product, size) => product * size);
        var view = Flat.narrow(0, offset, count).view(shape);
        view.requires_grad_(true);
        view.grad = FlatGrad.narrow(0, offset, count).view(shape);
        return view;
    }

    /// <summary>
    /// Member <paramref name="member"/>'s solo parameter <paramref name="index"/> (weight then bias, layer by layer)
    /// as a view of <paramref name="flatLike"/> (<see cref="Flat"/>, <see cref="FlatGrad"/> or an optimiser moment).
    /// </summary>
    public Tensor MemberView(Tensor flatLike, int member, int index)
    {
        var layer = Layers[index / 2];
        return index % 2 == 0
            ? flatLike.narrow(0, weightOffsets[index / 2] + (long)member * layer.Out * layer.In, (long)layer.Out * layer.In).view(layer.Out, layer.In)
            : flatLike.narrow(0, biasOffsets[index / 2] + (long)member * layer.Out, layer.Out);
    }

    /// <summary>A flat-sized tensor holding <paramref name="values"/>[k] wherever member k's parameters are.</summary>
    public Tensor PerMemberVector(IReadOnlyList<double> values)
    {
        var vector = empty(Size, float32, Flat.device);
        using var _ = no_grad();
        for (int k = 0; k < Members; k++)
            for (int index = 0; index < ParametersPerMember; index++)
            {
                using var view = MemberView(vector, k, index);
                using var value = values[k].ToScalar();
                view.fill_(value);
            }
        return vector;
    }

    /// <summary>
    /// <paramref name="flatLike"/> cut into its per-layer weight and bias blocks, each as [K, n]: row k is member k's.
    /// With a [K, 1] tensor of per-member factors, one operation per block scales each member by its own factor.
    /// </summary>
    public Tensor[] MemberRows(Tensor flatLike)
    {
        var rows = new Tensor[2 * Layers.Count];
        for (int l = 0; l < Layers.Count; l++)
        {
            long weights = (long)Layers[l].Out * Layers[l].In;
            rows[2 * l] = flatLike.narrow(0, weightOffsets[l], Members * weights).view(Members, weights);
            rows[2 * l + 1] = flatLike.narrow(0, biasOffsets[l], Members * (long)Layers[l].Out).view(Members, Layers[l].Out);
        }
        return rows;
    }

    /// <summary>Every member's contiguous runs of the flat buffer: (first element, length, member).</summary>
    public IReadOnlyList<(long Start, long Count, int Member)> MemberRanges()
    {
        var ranges = new List<(long, long, int)>();
        for (int l = 0; l < Layers.Count; l++)
        {
            long weights = (long)Layers[l].Out * Layers[l].In;
            for (int k = 0; k < Members; k++) ranges.Add((weightOffsets[l] + k * weights, weights, k));
            for (int k = 0; k < Members; k++) ranges.Add((biasOffsets[l] + k * (long)Layers[l].Out, Layers[l].Out, k));
        }
        return ranges;
    }

    public void ZeroGrad() => FlatGrad.zero_();

    public void Dispose()
    {
        foreach (var tensor in Weights.Concat(Biases)) tensor.Dispose();
        Flat.Dispose();
        FlatGrad.Dispose();
    }
}
