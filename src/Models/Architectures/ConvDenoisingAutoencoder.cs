using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AeGrid.Models.Architectures;

/// <summary>
/// `conv-denoise`: the convolutional denoising tutorial. Encoder: three 3×3 convolutions (1→32→16→8, padding 1),
/// each followed by ReLU and 2×2 max-pooling (28→14→7→3). Decoder: transposed convolutions 8→8 (k3, s2: 3→7),
/// 8→16 (k2, s2: 7→14), 16→32 (k2, s2: 14→28), each with ReLU, then a 3×3 convolution 32→1 with sigmoid.
/// The code is the 8×3×3 feature map, flattened to 72 values; its size is fixed by the layers.
/// </summary>
public sealed class ConvDenoisingAutoencoder : Autoencoder
{
    public const int CodeChannels = 8;
    public const int CodeSide = 3;
    public const int FixedCodeSize = CodeChannels * CodeSide * CodeSide;

    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
    private readonly MaxPool2d pool;
    private readonly ConvTranspose2d t_conv1;
    private readonly ConvTranspose2d t_conv2;
    private readonly ConvTranspose2d t_conv3;
    private readonly Conv2d conv_out;

    public ConvDenoisingAutoencoder() : base("conv-denoise")
    {
        conv1 = Conv2d(1, 32, kernel_size: 3, padding: 1);
        conv2 = Conv2d(32, 16, kernel_size: 3, padding: 1);
        conv3 = Conv2d(16, 8, kernel_size: 3, padding: 1);
        pool = MaxPool2d(kernel_size: 2, stride: 2);
        t_conv1 = ConvTranspose2d(8, 8, kernel_size: 3, stride: 2);
        t_conv2 = ConvTranspose2d(8, 16, kernel_size: 2, stride: 2);
        t_conv3 = ConvTranspose2d(16, 32, kernel_size: 2, stride: 2);
        conv_out = Conv2d(32, 1, kernel_size: 3, padding: 1);
        RegisterComponents();
    }

    public override int CodeSize => FixedCodeSize;

    public override Tensor Encode(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var x = pixels.view(-1, 1, ImageSide, ImageSide);
        x = pool.forward(functional.relu(conv1.forward(x)));
        x = pool.forward(functional.relu(conv2.forward(x)));
        x = pool.forward(functional.relu(conv3.forward(x)));
        return x.flatten(1).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var x = Encode(pixels).view(-1, CodeChannels, CodeSide, CodeSide);
        x = functional.relu(t_conv1.forward(x));
        x = functional.relu(t_conv2.forward(x));
        x = functional.relu(t_conv3.forward(x));
        x = functional.sigmoid(conv_out.forward(x));
        return x.flatten(1).MoveToOuterDisposeScope();
    }
}
