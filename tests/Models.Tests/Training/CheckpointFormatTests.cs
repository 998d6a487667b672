using System.Buffers.Binary;
using AeGrid.Models.Training;

namespace AeGrid.Models.Tests.Training;

public sealed class CheckpointFormatTests
{
    static readonly Hyperparameters Config = new() { Architecture = "linear", EncodingDim = 16, Epochs = 1, BatchSize = 100 };
    static readonly Lazy<Checkpoint> Trained = new(() =>
    {
        var observer = new RecordingObserver();
        Trainer.Run(Config, TestData.MnistSmall, TestData.CpuOptions, null, observer, CancellationToken.None);
        return observer.Checkpoints[^1];
    });

    [Fact]
    public void Header_is_versioned()
    {
        var bytes = Trained.Value.Bytes;

        Assert.Equal("AEGRIDCK"u8.ToArray(), bytes[..8]);
        Assert.Equal(CheckpointFormat.Version, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)));
    }

    [Fact]
    public void Bytes_that_are_not_a_checkpoint_are_refused_clearly()
    {
        var error = Assert.Throws<CheckpointFormatException>(() => Evaluate(new Checkpoint(1, 0, "hello, world"u8.ToArray())));

        Assert.Contains("not an AeGrid checkpoint", error.Message);
    }

    [Fact]
    public void Truncated_checkpoint_is_refused()
    {
        var bytes = Trained.Value.Bytes;

        var error = Assert.Throws<CheckpointFormatException>(() => Evaluate(Trained.Value with { Bytes = bytes[..^100] }));

        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_flipped_byte_fails_the_checksum()
    {
        var bytes = Trained.Value.Bytes.ToArray();
        bytes[bytes.Length / 2] ^= 0x40;

        var error = Assert.Throws<CheckpointFormatException>(() => Evaluate(Trained.Value with { Bytes = bytes }));

        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Unknown_version_is_named()
    {
        var bytes = Trained.Value.Bytes.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 99);

        var error = Assert.Throws<CheckpointFormatException>(() => Evaluate(Trained.Value with { Bytes = bytes }));

        Assert.Contains("version 99 is not supported", error.Message);
    }

    [Fact]
    public void A_checkpoint_for_another_model_shape_says_both_shapes()
    {
        var error = Assert.Throws<CheckpointFormatException>(() =>
            Trainer.Evaluate(Config with { EncodingDim = 32 }, TestData.MnistSmall, Trained.Value, TestData.CpuOptions));

        Assert.Contains("made for 'linear encoding_dim=16 optimizer=adam'", error.Message);
        Assert.Contains("config describes 'linear encoding_dim=32 optimizer=adam'", error.Message);
    }

    [Fact]
    public void Record_position_must_match_the_bytes()
    {
        var error = Assert.Throws<CheckpointFormatException>(() => Evaluate(Trained.Value with { Epoch = 5 }));

        Assert.Contains("record says epoch 5 batch 0 but its bytes hold epoch 1 batch 0", error.Message);
    }

    static EpochMetrics Evaluate(Checkpoint checkpoint) => Trainer.Evaluate(Config, TestData.MnistSmall, checkpoint, TestData.CpuOptions);
}
