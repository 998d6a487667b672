using System.Runtime.InteropServices;
using SkiaSharp;

namespace AeGrid.Client.Report;

/// <summary>
/// Encodes a <see cref="RasterImage"/> as a PNG with SkiaSharp's encoder (libpng inside; already loaded for ScottPlot and
/// the latent plot), so every picture of `aegrid report` goes through one well-tested encoder. Grayscale stays one
/// 8-bit channel; RGB is handed over as opaque RGBX so the file carries no alpha channel.
/// </summary>
internal static class PngEncoding
{
    public static byte[] Encode(RasterImage image)
    {
        var colour = image.Channels == 1 ? SKColorType.Gray8 : SKColorType.Rgb888x;
        var info = new SKImageInfo(image.Width, image.Height, colour, SKAlphaType.Opaque);
        var pixels = image.Channels == 1 ? image.Pixels : ToRgbx(image);
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var data = pixmap.Encode(SKEncodedImageFormat.Png, 100)
                             ?? throw new InvalidOperationException($"SkiaSharp could not encode a {image.Width}×{image.Height} PNG");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>Skia has no packed 24-bit format: each RGB pixel gets a fourth, ignored byte.</summary>
    static byte[] ToRgbx(RasterImage image)
    {
        var rgbx = new byte[image.Width * image.Height * 4];
        for (int source = 0, target = 0; source < image.Pixels.Length; source += 3, target += 4)
        {
            rgbx[target] = image.Pixels[source];
            rgbx[target + 1] = image.Pixels[source + 1];
            rgbx[target + 2] = image.Pixels[source + 2];
            rgbx[target + 3] = 255;
        }
        return rgbx;
    }
}
