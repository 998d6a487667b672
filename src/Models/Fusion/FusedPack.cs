using TorchSharp;
using AeGrid.Models.Architectures;
using AeGrid.Models.Data;
using AeGrid.Models.Training;
using static TorchSharp.torch;

namespace AeGrid.Models.Fusion;

/// <summary>
/// Horizontal fusion (in the spirit of HFTA, MLSys 2021): up to K trials of one sweep with the same model shapes
/// and the same data order, trained in lockstep as one stacked model. Each member reports what it would report
/// alone (same initial weights, batches, noise; metrics within float rounding), leaves the pack alone (pruned,
/// diverged, cancelled, paused, done) and checkpoints in the solo format. See <see cref="FusionPlan"/> for who may
/// share a pack, and src/Models/README.md ("Fusion").
/// </summary>
/// <remarks>Synchronous, like <see cref="Trainer.Run"/>: run <see cref="Train"/> on its own thread. <see cref="Remove"/>
/// and <see cref="Add"/> may be called from the members' observers (on that thread); they take effect at the next batch
/// boundary.</remarks>
public sealed partial class FusedPack : IDisposable
{
    readonly Dataset dataset;
    readonly Device device;
    readonly TrainingOptions options;
    readonly Hyperparameters first;
    readonly IReadOnlyList<FusedLayer> layers;
    readonly List<MemberSlot> slots = [];
    readonly DeviceData data;
    List<MemberSlot> active = [];
    StackedParameters? stacked;
    FlatOptimizer? optimizer;
    Tensor? noiseColumnFactors;
    InputMode inputMode;
    long step;
    int completedEpochs;
    int batchesDone;
    bool membershipChanged;

    enum InputMode { Shared, SharedNoise, PerMember }

    FusedPack(Dataset dataset, TrainingOptions options, Hyperparameters first, Device device)
    {
        this.dataset = dataset;
        this.options = options;
        this.first = first;
        this.device = device;
        using var probe = ArchitectureRegistry.Get(first.Architecture).Create(first);
        layers = FusionPlan.Layers(probe, first.Architecture);
        data = DeviceData.Create(dataset, first, device, includeTrain: true);
    }

    /// <summary>A pack of <paramref name="members"/> (at least one) on <paramref name="data"/>.</summary>
    /// <exception cref="InvalidHyperparameterException">A member's config is bad.</exception>
    /// <exception cref="ArgumentException">Members that cannot share a pack (the message names the member and why).</exception>
    /// <exception cref="CheckpointFormatException">A resume checkpoint is unusable or not at the others' position.</exception>
    public static FusedPack Create(IReadOnlyList<PackMember> members, Dataset data, TrainingOptions options)
    {
        if (members.Count == 0) throw new ArgumentException("a pack needs at least one member", nameof(members));
        var firstConfig = Filled(members[0].Config);
        if (FusionPlan.Incompatibility(firstConfig, firstConfig) is { } problem) throw new ArgumentException($"member 0: {problem}");
        var pack = new FusedPack(data, options, firstConfig, ComputeDevice.Select(options));
        try
        {
            bool resumed = members[0].Resume is not null;
            if (resumed)
            {
                var contents = members[0].Resume!;
                (pack.completedEpochs, pack.batchesDone) = (contents.Epoch, contents.Batch);
            }
            foreach (var member in members) pack.Add(member);
            pack.ApplyMembershipChanges();
            return pack;
        }
        catch
        {
            pack.Dispose();
            throw;
        }
    }

    static Hyperparameters Filled(Hyperparameters config)
    {
        var filled = config.WithDefaults();
        filled.Validate();
        return filled;
    }

    /// <summary>The members still training, by their index (order of <see cref="Create"/>, then of <see cref="Add"/>).</summary>
    public IReadOnlyList<int> ActiveMembers => [.. slots.Where(s => s.Result is null).Select(s => s.Index)];

    /// <summary>Completed epochs and batches done in the next: where every member of the pack stands.</summary>
    public (int Epoch, int Batch) Position => (completedEpochs, batchesDone);

    /// <summary>
    /// Raised on the training thread as a member leaves (done, diverged, cancelled, paused, removed), with its index and
    /// result: its trial can end its attempt while the others train on. Its last checkpoint was handed over before.
    /// </summary>
    public event Action<int, TrainingResult>? MemberLeft;

    /// <summary>How each member ended (null while it trains), by index.</summary>
    public TrainingResult? ResultOf(int member) => slots[member].Result;

    /// <summary>
    /// Adds a member at the pack's position: fresh (its seed's initial weights) when the pack has not started, else
    /// from its <see cref="PackMember.Resume"/> checkpoint taken at <see cref="Position"/>. Returns its index.
    /// </summary>
    public int Add(PackMember member)
    {
        var config = Filled(member.Config);
        int index = slots.Count;
        if (FusionPlan.Incompatibility(first, config) is { } problem) throw new ArgumentException($"member {index}: {problem}");
        var slot = new MemberSlot(index, member, config, ArchitectureRegistry.Get(config.Architecture).Create(config));
        try
        {
            slot.Mirror.to(device);
            if (config.Optimizer == "adam")
            {
                slot.FirstMoments = [.. slot.Parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
                slot.SecondMoments = [.. slot.Parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
            }
            if (member.Resume is null)
            {
                if (completedEpochs != 0 || batchesDone != 0)
                    throw new CheckpointFormatException(
                        $"member {index}: the pack is at epoch {completedEpochs + 1}, batch {batchesDone}; a member joining there needs a checkpoint taken there");
                using var generator = Seeds.Initialisation(config.Seed);
                slot.Mirror.InitializeParameters(generator);
            }
            else
            {
                var (epoch, batch, memberStep) = MemberCheckpoint.Read(slot, member.Resume);
                if ((epoch, batch) != (completedEpochs, batchesDone))
                    throw new CheckpointFormatException(
                        $"member {index}: its checkpoint is at epoch {epoch + 1}, batch {batch}; the pack is at epoch {completedEpochs + 1}, batch {batchesDone}");
                if (slots.Count(s => s.Result is null) > 0 && memberStep != step)
                    throw new CheckpointFormatException($"member {index}: its optimiser has made {memberStep} steps, the pack's {step}");
                step = memberStep;
            }
        }
        catch
        {
            slot.Dispose();
            throw;
        }
        slots.Add(slot);
        membershipChanged = true;
        return index;
    }

    /// <summary>
    /// Takes member <paramref name="member"/> out of the pack (pruned, or its trial cancelled): it ends with
    /// <see cref="TrainingOutcome.Cancelled"/> and <paramref name="reason"/>; the others train on as if it had never
    /// been there. Its <see cref="CheckpointOf"/> stays available.
    /// </summary>
    public void Remove(int member, string reason = "removed from the pack")
    {
        var slot = slots[member];
        if (slot.Result is null) Leave(slot, TrainingOutcome.Cancelled, reason);
    }

    /// <summary>
    /// Member <paramref name="member"/>'s state at the pack's position in the solo checkpoint format: it resumes with
    /// <see cref="Trainer.Run"/> or joins another pack. For a member that has left: its state when it left.
    /// </summary>
    public Checkpoint CheckpointOf(int member)
    {
        var slot = slots[member];
        if (slot.Result is null) SyncOut(slot);
        return MemberCheckpoint.Write(slot, slot.Config.Optimizer!, slot.LeftAtStep ?? step, slot.LeftAt?.Epoch ?? completedEpochs,
            slot.LeftAt?.Batch ?? batchesDone);
    }

    public void Dispose()
    {
        optimizer?.Dispose();
        stacked?.Dispose();
        noiseColumnFactors?.Dispose();
        foreach (var slot in slots) slot.Dispose();
        data.Dispose();
    }
}
