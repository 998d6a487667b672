using static TorchSharp.torch;

namespace AeGrid.Models.Training;

/// <summary>Turns <see cref="TrainingOptions"/> into a torch device and thread count.</summary>
internal static class ComputeDevice
{
    public static Device Select(TrainingOptions options)
    {
        if (options.Threads is { } threads)
        {
            if (threads < 1) throw new ArgumentOutOfRangeException(nameof(options), threads, $"threads: must be positive, got {threads}");
            // Process-wide in libtorch: the last caller wins, which is fine while one setting serves a silo.
            set_num_threads(threads);
        }
        return options.Device switch
        {
            "auto" => cuda.is_available() ? CUDA : CPU,
            "cpu" => CPU,
            "cuda" => cuda.is_available()
                ? CUDA
                : throw new InvalidOperationException(
                    "device: cuda was requested but torch.cuda.is_available() is false (no visible GPU or driver, or this build " +
                    "carries the CPU-only libtorch; build with -p:TorchBackend=cuda). Use device auto or cpu."),
            _ => throw new ArgumentException($"device: must be auto, cpu or cuda, got '{options.Device}'", nameof(options)),
        };
    }
}
