using AeGrid.Models.Architectures;
using AeGrid.Models.Training;

namespace AeGrid.Models.Fusion;

/// <summary>What follows one fully connected layer.</summary>
internal enum LayerActivation { None, Relu, Sigmoid }

/// <summary>One fully connected layer of every member: weight [Out, In] (torch's Linear layout), bias [Out].</summary>
internal readonly record struct FusedLayer(int In, int Out, LayerActivation Activation);

/// <summary>
/// Which trials can train as one pack, and the layer stack they share. A pack needs members whose solo runs would
/// see the same batches in the same order, since fusion computes every member on one batch:
/// same architecture and shapes, optimiser, batch size, limit and shuffle setting, and when shuffling, the same
/// seed (solo training derives the order from the trial's seed, see Seeds). Without shuffling, members may have
/// different seeds: each keeps its own initial weights and its own noise, exactly as alone. What may differ:
/// lr, seed (shuffle off), noise_factor, clip_noise, epochs (a member leaves when its epochs are done).
/// </summary>
public static class FusionPlan
{
    /// <summary>The architectures a pack can train: the MLPs whose layers are plain Linear + activation.</summary>
    public static IReadOnlyList<string> FusibleArchitectures { get; } =
        [ArchitectureRegistry.Linear, ArchitectureRegistry.DeepMlp, ArchitectureRegistry.DenoiseMlp];

    /// <summary>Why <paramref name="candidate"/> cannot join a pack whose first member is <paramref name="first"/>, or null when it can.</summary>
    /// <remarks>Both configs with defaults filled (<see cref="TrainingRules.WithDefaults"/>).</remarks>
    public static string? Incompatibility(Hyperparameters first, Hyperparameters candidate)
    {
        if (!FusibleArchitectures.Contains(candidate.Architecture))
            return $"architecture {candidate.Architecture} cannot be fused (fusible: {string.Join(", ", FusibleArchitectures)})";
        if (candidate.ShapeDescription() != first.ShapeDescription())
            return $"model '{candidate.ShapeDescription()}' differs from the pack's '{first.ShapeDescription()}'";
        if (candidate.BatchSize != first.BatchSize) return $"{HyperparameterCatalog.BatchSize} {candidate.BatchSize} differs from the pack's {first.BatchSize}";
        if (candidate.Limit != first.Limit) return $"limit {candidate.Limit} differs from the pack's {first.Limit}";
        if (candidate.Dataset != first.Dataset) return $"dataset {candidate.Dataset} differs from the pack's {first.Dataset}";
        if (candidate.Shuffle != first.Shuffle) return $"shuffle {candidate.Shuffle} differs from the pack's {first.Shuffle}";
        if (candidate.Shuffle == true && candidate.Seed != first.Seed)
            return $"seed {candidate.Seed} differs from the pack's {first.Seed}; with shuffle on the seed decides the data order, which pack members share";
        return null;
    }

    /// <summary>The layers of <paramref name="model"/> in parameter order (encoder then decoder), with their activations.</summary>
    internal static IReadOnlyList<FusedLayer> Layers(Autoencoder model, string architecture)
    {
        var weights = model.named_parameters().Where(p => p.name.EndsWith("weight", StringComparison.Ordinal))
            .Select(p => p.parameter.shape).ToList();
        var layers = new List<FusedLayer>();
        int perSide = weights.Count / 2;
        for (int i = 0; i < weights.Count; i++)
        {
            bool lastOfEncoder = i == perSide - 1, lastOfDecoder = i == weights.Count - 1;
            var activation = architecture switch
            {
                // linear: ReLU on the code, sigmoid on the output.
                ArchitectureRegistry.Linear => lastOfDecoder ? LayerActivation.Sigmoid : LayerActivation.Relu,
                // deep-mlp: ReLU between layers, none on the code, sigmoid on the output.
                ArchitectureRegistry.DeepMlp => lastOfDecoder ? LayerActivation.Sigmoid
                    : lastOfEncoder ? LayerActivation.None : LayerActivation.Relu,
                // denoise-mlp: a sigmoid after every layer.
                ArchitectureRegistry.DenoiseMlp => LayerActivation.Sigmoid,
                _ => throw new ArgumentException($"architecture {architecture} cannot be fused"),
            };
            layers.Add(new FusedLayer((int)weights[i][1], (int)weights[i][0], activation));
        }
        return layers;
    }
}
