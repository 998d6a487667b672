using System.Text;
using AeGrid.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AeGrid.Models.Fusion;

/// <summary>
/// A pack member's state in exactly the solo checkpoint format (see <see cref="CheckpointFormat"/>), so a member can
/// leave a pack and resume alone, and a solo run can join a pack. The optimiser part is what
/// Optimizers.ParameterOptimizer.Save writes: name, parameter count, then for Adam the step count and each
/// parameter's first and second moment.
/// </summary>
internal static class MemberCheckpoint
{
    public static Checkpoint Write(MemberSlot slot, string optimizer, long step, int epoch, int batch)
    {
        using var modelState = new MemoryStream();
        using (var writer = new BinaryWriter(modelState, Encoding.UTF8, leaveOpen: true)) slot.Mirror.save(writer);
        using var optimizerState = new MemoryStream();
        using (var writer = new BinaryWriter(optimizerState, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(optimizer);
            writer.Write(slot.Parameters.Count);
            if (optimizer == "adam")
            {
                writer.Write(step);
                for (int i = 0; i < slot.Parameters.Count; i++)
                {
                    slot.FirstMoments![i].Save(writer);
                    slot.SecondMoments![i].Save(writer);
                }
            }
        }
        var bytes = CheckpointFormat.Write(new CheckpointContents(slot.Config.ShapeDescription(), epoch, batch, slot.Progress,
            modelState.ToArray(), optimizerState.ToArray()));
        return new Checkpoint(epoch, batch, bytes);
    }

    /// <summary>Loads <paramref name="checkpoint"/> into the slot's mirror and moments; returns the position and Adam's step.</summary>
    public static (int Epoch, int Batch, long Step) Read(MemberSlot slot, Checkpoint checkpoint)
    {
        var contents = CheckpointFormat.Read(checkpoint, slot.Config.ShapeDescription());
        TrainedModel.LoadState(slot.Mirror, contents.ModelState, "checkpoint", slot.Config);
        slot.Progress = contents.Progress;
        long step = 0;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(contents.OptimizerState), Encoding.UTF8);
            var name = reader.ReadString();
            if (name != slot.Config.Optimizer)
                throw new InvalidDataException($"the saved state is for optimizer '{name}', not '{slot.Config.Optimizer}'");
            int count = reader.ReadInt32();
            if (count != slot.Parameters.Count)
                throw new InvalidDataException($"the saved state covers {count} parameters, the model has {slot.Parameters.Count}");
            if (name == "adam")
            {
                step = reader.ReadInt64();
                for (int i = 0; i < count; i++)
                {
                    LoadInto(slot.FirstMoments![i], reader);
                    LoadInto(slot.SecondMoments![i], reader);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException and not CheckpointFormatException)
        {
            throw new CheckpointFormatException($"checkpoint: the optimiser state cannot be restored: {e.Message}", e);
        }
        return (contents.Epoch, contents.Batch, step);
    }

    static void LoadInto(Tensor target, BinaryReader reader)
    {
        using var loaded = TensorExtensionMethods.Load(reader);
        if (!loaded.shape.SequenceEqual(target.shape))
            throw new InvalidDataException($"a saved moment has shape [{string.Join(",", loaded.shape)}], the parameter [{string.Join(",", target.shape)}]");
        using var _ = no_grad();
        target.copy_(loaded);
    }
}
