using AeGrid.Models.Training;
using static TorchSharp.torch;

namespace AeGrid.Models.Fusion;

// Members joining and leaving: the stacked tensors are rebuilt from every remaining member's own state, so a
// member that leaves changes nothing for the others (their slices are copied unchanged into the new stack).
public sealed partial class FusedPack
{
    /// <summary>Ends <paramref name="slot"/> at the pack's position, keeping its last state for <see cref="CheckpointOf"/>.</summary>
    void Leave(MemberSlot slot, TrainingOutcome outcome, string? message)
    {
        SyncOut(slot);
        slot.LeftAt = (completedEpochs, batchesDone);
        slot.LeftAtStep = step;
        slot.Finish(outcome, message);
        membershipChanged = true;
        MemberLeft?.Invoke(slot.Index, slot.Result!);
    }

    /// <summary>Copies the member's slices of the stacked parameters and moments into its mirror model and moment tensors.</summary>
    void SyncOut(MemberSlot slot)
    {
        int k = active.IndexOf(slot);
        if (k < 0 || stacked is null) return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < slot.Parameters.Count; i++)
        {
            slot.Parameters[i].copy_(stacked.MemberView(stacked.Flat, k, i));
            if (optimizer!.FirstMoment is { } m) slot.FirstMoments![i].copy_(stacked.MemberView(m, k, i));
            if (optimizer.SecondMoment is { } v) slot.SecondMoments![i].copy_(stacked.MemberView(v, k, i));
        }
    }

    void SyncIn(MemberSlot slot, int k)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < slot.Parameters.Count; i++)
        {
            stacked!.MemberView(stacked.Flat, k, i).copy_(slot.Parameters[i]);
            if (optimizer!.FirstMoment is { } m) stacked.MemberView(m, k, i).copy_(slot.FirstMoments![i]);
            if (optimizer.SecondMoment is { } v) stacked.MemberView(v, k, i).copy_(slot.SecondMoments![i]);
        }
    }

    /// <summary>After members joined or left: a new stack of the members still training, each slice copied from its own state.</summary>
    void ApplyMembershipChanges()
    {
        if (!membershipChanged) return;
        foreach (var slot in active.Where(s => s.Result is null)) SyncOut(slot);
        optimizer?.Dispose();
        stacked?.Dispose();
        noiseColumnFactors?.Dispose();
        (optimizer, stacked, noiseColumnFactors) = (null, null, null);
        active = [.. slots.Where(s => s.Result is null)];
        membershipChanged = false;
        if (active.Count == 0) return;
        stacked = new StackedParameters(layers, active.Count, device);
        optimizer = new FlatOptimizer(first.Optimizer!, stacked, [.. active.Select(s => s.Config.LearningRate!.Value)], step);
        for (int k = 0; k < active.Count; k++) SyncIn(active[k], k);
        inputMode = ChooseInputMode();
        if (inputMode == InputMode.SharedNoise)
        {
            int width = layers[0].Out;
            var factors = active.SelectMany(s => Enumerable.Repeat((float)s.Config.NoiseFactor!.Value, width)).ToArray();
            noiseColumnFactors = tensor(factors, float32, device);
        }
    }

    // Clean inputs for all: one wide GEMM. Noise from one shared draw (same seed) and no clipping: two wide GEMMs.
    // Otherwise each member's own noisy images and a batched product.
    InputMode ChooseInputMode()
    {
        if (active.All(s => !(s.Config.NoiseFactor > 0))) return InputMode.Shared;
        bool oneSeed = active.All(s => s.Config.Seed == active[0].Config.Seed);
        bool unclipped = active.All(s => !(s.Config.NoiseFactor > 0) || s.Config.ClipNoise == false);
        return oneSeed && unclipped ? InputMode.SharedNoise : InputMode.PerMember;
    }
}
