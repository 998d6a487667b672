using static TorchSharp.torch;

namespace AeGrid.Models.Tests.Training;

/// <summary>
/// A test about what happens where no GPU is visible (as on the CI machines). On a GPU machine it is reported as
/// skipped, with the reason, instead of passing without checking anything.
/// </summary>
public sealed class WithoutGpuFactAttribute : FactAttribute
{
    public WithoutGpuFactAttribute()
    {
        if (cuda.is_available()) Skip = "a CUDA device is visible; this test checks the error given where none is";
    }
}
