using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AeGrid.Models.Training.Optimizers;

/// <summary>
/// Adam or plain SGD over a model's parameters, with state we save and load ourselves.
/// </summary>
/// <remarks>
/// Why not torch.optim: TorchSharp 0.107's optimisers turn doubles into native Scalars implicitly inside step()
/// (e.g. <c>add_(eps)</c> becomes <c>add_(eps, 1)</c> with two temporaries), which a garbage collection can
/// finalise mid-call (see <see cref="NativeScalars"/>); under parallel load we saw Adam.step fail with libtorch's
/// "Expected false to be true" from Scalar::toFloat. Here every Scalar is a field or a <c>using</c> local. The arithmetic is PyTorch's (and TorchSharp's)
/// Adam step, operation for operation, so results match torch.optim.Adam.
/// </remarks>
internal abstract class ParameterOptimizer : IDisposable
{
    protected ParameterOptimizer(IEnumerable<Parameter> parameters) => Parameters = parameters.ToList();

    protected IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Name written into saved state, checked on load.</summary>
    protected abstract string Name { get; }

    public static ParameterOptimizer Create(string name, IEnumerable<Parameter> parameters, double learningRate) => name switch
    {
        "adam" => new AdamOptimizer(parameters, learningRate),
        "sgd" => new SgdOptimizer(parameters, learningRate),
        _ => throw new InvalidHyperparameterException("optimizer", $"unknown optimizer '{name}'"),
    };

    public void ZeroGrad()
    {
        foreach (var parameter in Parameters)
        {
            using var grad = parameter.grad;
            grad?.zero_();
        }
    }

    /// <summary>One update from the gradients now held by the parameters.</summary>
    public void Step()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Update();
    }

    protected abstract void Update();

    public void Save(BinaryWriter writer)
    {
        writer.Write(Name);
        writer.Write(Parameters.Count);
        SaveState(writer);
    }

    /// <summary>Restores state written by <see cref="Save"/> for the same optimiser over the same parameter shapes.</summary>
    public void Load(BinaryReader reader)
    {
        var name = reader.ReadString();
        if (name != Name) throw new InvalidDataException($"the saved state is for optimizer '{name}', not '{Name}'");
        int count = reader.ReadInt32();
        if (count != Parameters.Count)
            throw new InvalidDataException($"the saved state covers {count} parameters, the model has {Parameters.Count}");
        LoadState(reader);
    }

    protected abstract void SaveState(BinaryWriter writer);
    protected abstract void LoadState(BinaryReader reader);

    /// <summary>Reads one saved tensor into <paramref name="target"/> (same shape), whatever device the target is on.</summary>
    protected static void LoadInto(Tensor target, BinaryReader reader, string what)
    {
        using var loaded = TensorExtensionMethods.Load(reader);
        if (!loaded.shape.SequenceEqual(target.shape))
            throw new InvalidDataException(
                $"{what} has shape [{string.Join(",", loaded.shape)}], the parameter [{string.Join(",", target.shape)}]");
        using var _ = no_grad();
        target.copy_(loaded);
    }

    public abstract void Dispose();
}
