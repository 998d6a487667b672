using TorchSharp;
using static TorchSharp.torch;

namespace AeGrid.Models.Fusion;

/// <summary>
/// The parameters of K members with identical layers in one flat buffer, layer-major: layer 0's weights of member
/// 0..K−1, then layer 0's biases, then layer 1's, … So every layer's weights of all members are one contiguous
/// block (the first layer's wide GEMM reads it as [K·out, in]; later layers are stored transposed, [K, in, out], the
/// operand bmm wants), and the optimiser updates all members in one pass over the whole buffer.
/// </summary>
/// <remarks>
/// The layer tensors handed to autograd are leaf views of <see cref="Flat"/>. Their gradients are not accumulated
/// into a flat buffer: <see cref="ClearGrads"/> drops them before each backward, so autograd hands over each freshly
/// computed gradient without zeroing or adding (two passes over all parameters saved), and the optimiser reads the
/// gradient of each leaf where it lies (<see cref="Leaf"/>).
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
        Weights = new Tensor[layers.Count];
        Biases = new Tensor[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            var (weightShape, biasShape) = l == 0
                ? (new long[] { members * (long)layers[l].Out, layers[l].In }, new long[] { members * (long)layers[l].Out })
                : (new long[] { members, layers[l].In, layers[l].Out }, new long[] { members, layers[l].Out });
            Weights[l] = LeafView(weightOffsets[l], weightShape);
            Biases[l] = LeafView(biasOffsets[l], biasShape);
        }
    }

    public IReadOnlyList<FusedLayer> Layers { get; }
    public int Members { get; }
    public long Size { get; }
    public Tensor Flat { get; }
    /// <summary>Layer 0: [K·out, in]; later layers: [K, in, out] (transposed). Leaves that require grad.</summary>
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
        return view;
    }

    /// <summary>
    /// Member <paramref name="member"/>'s solo parameter <paramref name="index"/> (weight then bias, layer by layer)
    /// as a view of <paramref name="flatLike"/> (<see cref="Flat"/> or an optimiser moment), in the solo shape.
    /// </summary>
    public Tensor MemberView(Tensor flatLike, int member, int index)
    {
        var layer = Layers[index / 2];
        if (index % 2 == 1) return flatLike.narrow(0, biasOffsets[index / 2] + (long)member * layer.Out, layer.Out);
        var weights = flatLike.narrow(0, weightOffsets[index / 2] + (long)member * layer.Out * layer.In, (long)layer.Out * layer.In);
        return index == 0 ? weights.view(layer.Out, layer.In) : weights.view(layer.In, layer.Out).t();
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

    /// <summary>
    /// Every member's contiguous runs of the flat buffer: (first element, length, member, leaf, first element within
    /// the leaf); leaves are numbered weight then bias, layer by layer, as <see cref="Leaf"/> takes them.
    /// </summary>
    public IReadOnlyList<(long Start, long Count, int Member, int Leaf, long LeafOffset)> MemberRanges()
    {
        var ranges = new List<(long, long, int, int, long)>();
        for (int l = 0; l < Layers.Count; l++)
        {
            long weights = (long)Layers[l].Out * Layers[l].In;
            for (int k = 0; k < Members; k++) ranges.Add((weightOffsets[l] + k * weights, weights, k, 2 * l, k * weights));
            for (int k = 0; k < Members; k++) ranges.Add((biasOffsets[l] + k * (long)Layers[l].Out, Layers[l].Out, k, 2 * l + 1, k * (long)Layers[l].Out));
        }
        return ranges;
    }

    /// <summary>Leaf <paramref name="index"/>: layer index/2's weights (even) or biases (odd).</summary>
    public Tensor Leaf(int index) => index % 2 == 0 ? Weights[index / 2] : Biases[index / 2];

    public int LeafCount => 2 * Layers.Count;

    /// <summary>Drops every leaf's gradient, so the next backward hands its gradients over instead of adding them to old ones.</summary>
    public void ClearGrads()
    {
        for (int i = 0; i < LeafCount; i++) Leaf(i).grad = null;
    }

    public void Dispose()
    {
        foreach (var tensor in Weights.Concat(Biases)) tensor.Dispose();
        Flat.Dispose();
    }
}
