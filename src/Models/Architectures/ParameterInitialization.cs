using static TorchSharp.torch;

namespace AeGrid.Models.Architectures;

/// <summary>Seeded re-initialisation of a module's parameters.</summary>
public static class ParameterInitialization
{
    /// <summary>
    /// PyTorch's default for Linear, Conv and ConvTranspose layers: kaiming_uniform(a=√5) for the weight, which
    /// is uniform(±1/√fan_in), and uniform(±1/√fan_in) for the bias, fan_in being computed from the weight's
    /// shape as PyTorch does (dimension 1 × the kernel's size).
    /// </summary>
    public static void PyTorchDefault(nn.Module module, Generator generator)
    {
        using var _ = no_grad();
        foreach (var (_, layer) in module.named_modules())
        {
            var own = layer.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter);
            if (!own.TryGetValue("weight", out var weight) || weight.dim() < 2) continue;
            long fanIn = weight.shape.Skip(1).Aggregate(1L, (product, size) => product * size);
            double bound = 1.0 / Math.Sqrt(fanIn);
            weight.uniform_(-bound, bound, generator);
            if (own.TryGetValue("bias", out var bias)) bias.uniform_(-bound, bound, generator);
        }
    }

    /// <summary>Every parameter (weights and biases alike) uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static void Uniform(nn.Module module, double low, double high, Generator generator)
    {
        using var _ = no_grad();
        foreach (var (_, parameter) in module.named_parameters()) parameter.uniform_(low, high, generator);
    }
}
