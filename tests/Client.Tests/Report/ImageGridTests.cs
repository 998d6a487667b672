using AeGrid.Client.Report;

namespace AeGrid.Client.Tests.Report;

public sealed class ImageGridTests
{
    [Fact]
    public void Tiles_are_scaled_placed_between_gaps_and_clamped_to_0_255()
    {
        // Two 2×2 tiles in the first row; the second row has one tile and one blank cell.
        float[] first = [0f, 1f, 0.5f, 2f], second = [-1f, float.NaN, 0.25f, 0.75f];
        var rows = new List<IReadOnlyList<ReadOnlyMemory<float>?>>
        {
            new ReadOnlyMemory<float>?[] { first, second },
            new ReadOnlyMemory<float>?[] { first },
        };

        var image = ImageGrid.Compose(rows, columns: 2, side: 2, new GridLayout(Scale: 3, Gap: 1));

        Assert.Equal((1, 2 * 6 + 3, 2 * 6 + 3), (image.Channels, image.Width, image.Height));
        byte At(int x, int y) => image.Pixels[y * image.Width + x];
        // First tile at (1,1): each source pixel is a 3×3 block.
        Assert.Equal(0, At(1, 1));
        Assert.Equal(0, At(3, 3));
        Assert.Equal(255, At(4, 1));
        Assert.Equal(128, At(1, 4));
        Assert.Equal(255, At(6, 6)); // 2 clamps to white
        // Second tile starts after one more gap: x = 1 + 6 + 1.
        Assert.Equal(0, At(8, 1));   // -1 clamps to black
        Assert.Equal(0, At(11, 1));  // NaN shows black
        Assert.Equal(64, At(8, 4));
        Assert.Equal(191, At(13, 6));
        // Gaps and the blank cell are the background.
        Assert.Equal(GridLayout.GapShade, At(0, 0));
        Assert.Equal(GridLayout.GapShade, At(7, 3));
        Assert.Equal(GridLayout.GapShade, At(10, 7));
        Assert.Equal(GridLayout.GapShade, At(10, 10));
    }

    [Fact]
    public void Size_of_counts_every_gap()
    {
        Assert.Equal((10 * 56 + 11 * 2, 2 * 56 + 3 * 2), new GridLayout().SizeOf(rows: 2, columns: 10, tileSide: 28));
    }

    [Fact]
    public void A_tile_of_the_wrong_size_or_a_row_too_long_is_refused()
    {
        var wrong = new List<IReadOnlyList<ReadOnlyMemory<float>?>> { new ReadOnlyMemory<float>?[] { new float[3] } };
        var tooLong = new List<IReadOnlyList<ReadOnlyMemory<float>?>> { new ReadOnlyMemory<float>?[] { new float[4], new float[4] } };

        Assert.Throws<ArgumentException>(() => ImageGrid.Compose(wrong, 1, 2, new GridLayout()));
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose(tooLong, 1, 2, new GridLayout()));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Compose(wrong, 1, 2, new GridLayout(Scale: 0)));
    }

    [Fact]
    public void Class_names_are_fashion_articles_only_for_fashion_mnist()
    {
        Assert.Equal("Trouser", ClassNames.For("fashion-mnist", "/anywhere")[1]);
        Assert.Equal("Ankle boot", ClassNames.For("/data/fm", "/data/fashion-mnist/")[9]);
        Assert.Equal("1", ClassNames.For("mnist", "/usr/share/datasets/mnist")[1]);
        Assert.Equal("7", ClassNames.For("/data/fashion-mnist-300", "/data/fashion-mnist-300")[7]);
    }
}
