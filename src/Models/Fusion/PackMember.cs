using AeGrid.Models.Architectures;
using AeGrid.Models.Training;
using static TorchSharp.torch;

namespace AeGrid.Models.Fusion;

/// <summary>
/// One trial to train inside a <see cref="FusedPack"/>: what <see cref="Trainer.Run"/> takes for a solo run, per
/// member. The observer sees exactly the calls a solo run would make (batches, epochs, checkpoints in the solo
/// format); cancel and pause act on this member only.
/// </summary>
public sealed record PackMember(Hyperparameters Config, ITrainingObserver Observer)
{
    /// <summary>A solo (or <see cref="FusedPack.CheckpointOf"/>) checkpoint to resume from; it must be at the pack's position.</summary>
    public Checkpoint? Resume { get; init; }
    /// <summary>Ends this member with <see cref="TrainingOutcome.Cancelled"/> before the next batch; the others go on.</summary>
    public CancellationToken Cancel { get; init; }
    /// <summary>Hands this member's checkpoint to its observer and ends it with <see cref="TrainingOutcome.Paused"/>.</summary>
    public CancellationToken Pause { get; init; }
}

/// <summary>
/// A member's own state between fused steps: a solo model of its architecture (the "mirror", which also runs its
/// evaluation and writes its checkpoint) and its optimiser moments, in solo parameter order.
/// </summary>
internal sealed class MemberSlot : IDisposable
{
    public MemberSlot(int index, PackMember spec, Hyperparameters config, Autoencoder mirror)
    {
        Index = index;
        Spec = spec;
        Config = config;
        Mirror = mirror;
        Parameters = [.. mirror.parameters()];
    }

    /// <summary>Position in the list the pack was made with (then in the order members were added).</summary>
    public int Index { get; }
    public PackMember Spec { get; }
    /// <summary>Defaults filled, validated.</summary>
    public Hyperparameters Config { get; }
    public Autoencoder Mirror { get; }
    public IReadOnlyList<TorchSharp.Modules.Parameter> Parameters { get; }
    public Tensor[]? FirstMoments { get; set; }
    public Tensor[]? SecondMoments { get; set; }
    public EpochProgress Progress { get; set; }
    public List<EpochMetrics> Epochs { get; } = [];
    /// <summary>Set when the member has left the pack (or is to leave at the next batch boundary).</summary>
    public TrainingResult? Result { get; set; }

    /// <summary>Where the pack stood, and Adam's step count, when the member left: its last state.</summary>
    public (int Epoch, int Batch)? LeftAt { get; set; }
    public long? LeftAtStep { get; set; }

    public void Finish(TrainingOutcome outcome, string? message) => Result ??= new TrainingResult(outcome, [.. Epochs], message);

    public void Dispose()
    {
        foreach (var moment in (FirstMoments ?? []).Concat(SecondMoments ?? [])) moment.Dispose();
        Mirror.Dispose();
    }
}
