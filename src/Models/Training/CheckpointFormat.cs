using System.Text;

namespace AeGrid.Models.Training;

/// <summary>Sums of the epoch in progress, so a mid-epoch resume reports the same epoch metrics as an uninterrupted run.</summary>
internal readonly record struct EpochProgress(double SquaredErrorSum, long Samples, double TrainingSeconds)
{
    public static EpochProgress Empty => default;
    public EpochProgress Add(double batchMse, int batchSamples, double seconds) =>
        new(SquaredErrorSum + batchMse * batchSamples, Samples + batchSamples, TrainingSeconds + seconds);
    public double Mse => Samples == 0 ? double.NaN : SquaredErrorSum / Samples;
}

/// <summary>What a checkpoint holds once parsed.</summary>
internal sealed record CheckpointContents(string ModelShape, int Epoch, int Batch, EpochProgress Progress, byte[] ModelState, byte[] OptimizerState);

/// <summary>
/// The checkpoint byte layout, version 1 (little-endian, strings as .NET BinaryWriter writes them):
/// "AEGRIDCK" magic, int32 version, int64 payload length, the payload, then the payload's 64-bit FNV-1a hash.
/// Payload: model shape description, int32 epoch, int32 batch, float64 squared-error sum, int64 samples,
/// float64 training seconds, then int32-length-prefixed model state (TorchSharp's Module.save format) and
/// optimiser state (<see cref="Optimizers.ParameterOptimizer.Save"/>: name, parameter count, then for Adam the
/// step count and each parameter's two moment tensors in TorchSharp's tensor format).
/// </summary>
public static class CheckpointFormat
{
    public const int Version = 1;
    static readonly byte[] Magic = "AEGRIDCK"u8.ToArray();
    const int HeaderLength = 8 + 4 + 8;
    const int TrailerLength = 8;

    internal static byte[] Write(CheckpointContents contents)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(contents.ModelShape);
            writer.Write(contents.Epoch);
            writer.Write(contents.Batch);
            writer.Write(contents.Progress.SquaredErrorSum);
            writer.Write(contents.Progress.Samples);
            writer.Write(contents.Progress.TrainingSeconds);
            writer.Write(contents.ModelState.Length);
            writer.Write(contents.ModelState);
            writer.Write(contents.OptimizerState.Length);
            writer.Write(contents.OptimizerState);
        }
        var body = payload.ToArray();
        using var output = new MemoryStream(HeaderLength + body.Length + TrailerLength);
        using (var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write((long)body.Length);
            writer.Write(body);
            writer.Write(Fnv1a(body));
        }
        return output.ToArray();
    }

    /// <summary>Parses and checks <paramref name="checkpoint"/>; <paramref name="expectedShape"/> is the config's model shape.</summary>
    internal static CheckpointContents Read(Checkpoint checkpoint, string expectedShape)
    {
        var bytes = checkpoint.Bytes ?? throw new CheckpointFormatException("checkpoint has no bytes");
        if (bytes.Length < HeaderLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointFormatException($"not an AeGrid checkpoint ({bytes.Length} bytes, no AEGRIDCK header)");
        int version = BitConverter.ToInt32(bytes, 8);
        if (version != Version)
            throw new CheckpointFormatException($"checkpoint format version {version} is not supported (this build reads version {Version})");
        long length = BitConverter.ToInt64(bytes, 12);
        if (length < 0 || HeaderLength + length + TrailerLength != bytes.Length)
            throw new CheckpointFormatException(
                $"checkpoint is truncated or padded: header announces {length} payload bytes, so {HeaderLength + length + TrailerLength} in all, but there are {bytes.Length}");
        var body = bytes.AsSpan(HeaderLength, (int)length);
        if (Fnv1a(body) != BitConverter.ToUInt64(bytes, HeaderLength + (int)length))
            throw new CheckpointFormatException("checkpoint is damaged: its checksum does not match its contents");

        CheckpointContents contents;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, HeaderLength, (int)length), Encoding.UTF8);
            var shape = reader.ReadString();
            int epoch = reader.ReadInt32(), batch = reader.ReadInt32();
            var progress = new EpochProgress(reader.ReadDouble(), reader.ReadInt64(), reader.ReadDouble());
            var model = reader.ReadBytes(reader.ReadInt32());
            var optimizer = reader.ReadBytes(reader.ReadInt32());
            contents = new CheckpointContents(shape, epoch, batch, progress, model, optimizer);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException)
        {
            throw new CheckpointFormatException($"checkpoint payload is malformed: {e.Message}", e);
        }
        if (contents.ModelShape != expectedShape)
            throw new CheckpointFormatException($"checkpoint was made for '{contents.ModelShape}' but the config describes '{expectedShape}'");
        if (contents.Epoch != checkpoint.Epoch || contents.Batch != checkpoint.Batch)
            throw new CheckpointFormatException(
                $"checkpoint record says epoch {checkpoint.Epoch} batch {checkpoint.Batch} but its bytes hold epoch {contents.Epoch} batch {contents.Batch}");
        return contents;
    }

    static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        foreach (var b in data) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}
