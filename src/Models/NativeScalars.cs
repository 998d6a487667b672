using TorchSharp;

namespace AeGrid.Models;

/// <summary>
/// Native Scalars that live as long as the process. TorchSharp 0.107 turns numbers into native Scalars implicitly,
/// even inside <c>a + b</c> (which passes a temporary alpha of 1), and nothing keeps such a temporary alive during the
/// native call: a garbage collection can finalise it while libtorch still reads it. Pass these, or <c>using</c>
/// locals, wherever an overload takes a Scalar; never rely on an implicit conversion in training code.
/// </summary>
internal static class NativeScalars
{
    public static readonly Scalar Zero = 0.0.ToScalar();
    public static readonly Scalar One = 1.0.ToScalar();
}
