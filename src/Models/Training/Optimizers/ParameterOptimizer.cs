using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AeGrid.Models.Training.Optimizers;

/// <summary>
/// Adam or plain SGD over a model's parameters, with state we save and load ourselves.
/// </summary>
/// <remarks>
/// Flat buffers: the optimiser moves every parameter, and its gradient, into one contiguous buffer (each parameter
/// and gradient becomes a view of it), so an update is a handful of element-wise operations over all weights at once
/// instead of a handful per parameter. For the tutorials' small models each TorchSharp call costs more than its
/// arithmetic: deep-mlp's 16 parameters took 128 calls per Adam step, now 7. Backward accumulates into the gradient
/// views in place, zeroing them is one call, and results are those of the per-parameter loop (the same element-wise
/// arithmetic). So an optimiser takes over its parameters' storage: create it after the model is moved to its device
/// (<c>to</c> makes new tensors; <c>Module.load</c> later writes in place and is fine), and give each model one optimiser.
/// </remarks>
/// <remarks>
/// Why not torch.optim: TorchSharp 0.107's optimisers turn doubles into native Scalars implicitly inside step()
/// (e.g. <c>add_(eps)</c> becomes <c>add_(eps, 1)</c> with two temporaries), which a garbage collection can
/// finalise mid-call (see <see cref="NativeScalars"/>); under parallel load we saw Adam.step fail with libtorch's
/// "Expected false to be true" from Scalar::toFloat. Here every Scalar is a field or a <c>using</c> local. The arithmetic is PyTorch's (and TorchSharp's)
/// Adam step, operation for operation, so results match torch.optim.Adam.
/// </remarks>
internal abstract class ParameterOptimizer : IDisposable
{
    protected ParameterOptimizer(IEnumerable<Parameter> parameters)
    {
        Parameters = parameters.ToList();
        (FlatParameters, FlatGradients) = Flatten(Parameters);
    }

    protected IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Every parameter's values, end to end (in <see cref="Parameters"/> order); the parameters are views of it.</summary>
    protected Tensor FlatParameters { get; }

    /// <summary>Every parameter's gradient, laid out as <see cref="FlatParameters"/>; the parameters' grads are views of it.</summary>
    protected Tensor FlatGradients { get; }

    /// <summary>Parameter <paramref name="index"/>'s slice of a flat buffer, shaped as the parameter (a view; dispose it).</summary>
    protected Tensor Slice(Tensor flat, int index) => flat.narrow(0, offsets[index], Parameters[index].numel()).view(Parameters[index].shape);

    long[] offsets = [];

    (Tensor Values, Tensor Gradients) Flatten(IReadOnlyList<Parameter> parameters)
    {
        using var _ = no_grad();
        var first = parameters.Count > 0 ? parameters[0] : null;
        offsets = new long[parameters.Count];
        long total = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            offsets[i] = total;
            total += parameters[i].numel();
        }
        var values = empty(total, first?.dtype ?? float32, first?.device).DetachFromDisposeScope();
        var gradients = zeros(total, first?.dtype ?? float32, first?.device).DetachFromDisposeScope();
        for (int i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            if (parameter.dtype != values.dtype || parameter.device_type != values.device_type || parameter.device_index != values.device_index)
                throw new ArgumentException($"parameters must share one dtype and device: {parameter.dtype} on {parameter.device} next to {values.dtype} on {values.device}");
            using (var slot = Slice(values, i))
            {
                slot.copy_(parameter);
                parameter.set_(slot);
            }
            // A gradient already there (none in training: the optimiser is made before the first backward) is kept.
            using (var old = parameter.grad)
            using (var slot = Slice(gradients, i))
            {
                if (old is not null) slot.copy_(old);
                parameter.grad = slot;
            }
        }
        return (values, gradients);
    }

    /// <summary>Name written into saved state, checked on load.</summary>
    protected abstract string Name { get; }

    public static ParameterOptimizer Create(string name, IEnumerable<Parameter> parameters, double learningRate) => name switch
    {
        "adam" => new AdamOptimizer(parameters, learningRate),
        "sgd" => new SgdOptimizer(parameters, learningRate),
        _ => throw new InvalidHyperparameterException(HyperparameterCatalog.Optimizer, $"unknown optimizer '{name}'"),
    };

    /// <summary>Zeroes every gradient (in place: the parameters' grads stay views of the flat buffer).</summary>
    public void ZeroGrad() => FlatGradients.zero_();

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

    public virtual void Dispose()
    {
        // The parameters keep the storage alive through their views; only our handles go.
        FlatParameters.Dispose();
        FlatGradients.Dispose();
    }
}
