using AeGrid.Models.Data;

namespace AeGrid.Models.Tests.Data;

public sealed class DatasetCatalogTests
{
    [Fact]
    public void Loads_a_directory_with_pixels_scaled_to_the_unit_interval()
    {
        var data = DatasetCatalog.Load(TestData.MnistSmallDirectory);

        Assert.Equal(600, data.Train.Count);
        Assert.Equal(200, data.Test.Count);
        Assert.Equal(600 * 784, data.Train.Pixels.Length);
        Assert.Equal(600, data.Train.Labels.Length);
        Assert.All(data.Train.Labels, label => Assert.InRange(label, (byte)0, (byte)9));
        Assert.Equal(0f, data.Train.Pixels.Min());
        Assert.Equal(1f, data.Train.Pixels.Max());
    }

    [Fact]
    public void Limit_takes_the_first_training_images_and_leaves_the_test_split_alone()
    {
        var full = DatasetCatalog.Load(TestData.MnistSmallDirectory);
        var limited = DatasetCatalog.Load(TestData.MnistSmallDirectory, limit: 50);

        Assert.Equal(50, limited.Train.Count);
        Assert.Equal(full.Train.Pixels[..(50 * 784)], limited.Train.Pixels);
        Assert.Equal(full.Train.Labels[..50], limited.Train.Labels);
        Assert.Same(full.Test, limited.Test);
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetCatalog.Load(TestData.MnistSmallDirectory, limit: 0));
    }

    [Fact]
    public void Loaded_datasets_are_cached_once_per_directory_whatever_the_limits()
    {
        Assert.Same(DatasetCatalog.Load(TestData.MnistSmallDirectory), DatasetCatalog.Load(TestData.MnistSmallDirectory));
        using var directory = TestData.NewTemporaryDirectory();
        IdxFileBuilder.WriteDataset(directory.Path, trainCount: 100, testCount: 10, gzip: false);
        var full = DatasetCatalog.Load(directory.Path);
        for (var limit = 1; limit <= 100; limit++)
        {
            var limited = DatasetCatalog.Load(directory.Path, limit);
            Assert.Equal(limit, limited.Train.Count);
            Assert.Same(full.Test, limited.Test);
        }
        // One entry for the directory, not one per limit: memory does not grow with the limits a sweep tries.
        Assert.Equal(1, DatasetCatalog.CachedCount(directory.Path));
        Assert.Same(full, DatasetCatalog.Load(directory.Path));
    }

    [Fact]
    public void Unknown_name_that_is_not_a_directory_is_a_clear_error()
    {
        var error = Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Load("cifar-10"));

        Assert.Contains("unknown dataset 'cifar-10'", error.Message);
        Assert.Contains("mnist, fashion-mnist", error.Message);
    }

    [Fact]
    public void Missing_directory_path_is_named()
    {
        var error = Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Load("/no/such/dir"));

        Assert.Equal("dataset directory /no/such/dir does not exist", error.Message);
    }

    [Fact]
    public void Directory_lacking_files_lists_them()
    {
        using var directory = TestData.NewTemporaryDirectory();
        IdxFileBuilder.Write(directory.Path, "train-images-idx3-ubyte", IdxFileBuilder.Images(2, 28, 28), gzip: true);

        var error = Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Load(directory.Path));

        Assert.Contains("lacks train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte", error.Message);
    }
}

/// <summary>Named lookup reads AEGRID_DATA, a process-wide setting, so these tests run apart from the others that could read it.</summary>
[Collection(nameof(EnvironmentVariableCollection))]
public sealed class DatasetCatalogNamedLookupTests
{
    [Fact]
    public void Named_dataset_is_found_under_AEGRID_DATA()
    {
        using var root = TestData.NewTemporaryDirectory();
        var mnist = Directory.CreateDirectory(Path.Combine(root.Path, "mnist")).FullName;
        IdxFileBuilder.WriteDataset(mnist, trainCount: 7, testCount: 3, gzip: true);
        using var _ = new EnvironmentVariable("AEGRID_DATA", root.Path);

        Assert.Equal(mnist, DatasetCatalog.Resolve("mnist"));
        var data = DatasetCatalog.Load("mnist");
        Assert.Equal("mnist", data.Name);
        Assert.Equal(7, data.Train.Count);
    }

    [Fact]
    public void Named_dataset_is_searched_in_AEGRID_DATA_then_home_then_usr_share()
    {
        using var _ = new EnvironmentVariable("AEGRID_DATA", "/data/root");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Equal(
            ["/data/root/fashion-mnist", Path.Combine(home, ".aegrid", "data", "fashion-mnist"), "/usr/share/datasets/fashion-mnist"],
            DatasetCatalog.SearchDirectories("fashion-mnist"));
    }

    [Fact]
    public void Named_dataset_not_found_lists_every_place_searched_and_suggests_fetching()
    {
        using var root = TestData.NewTemporaryDirectory();
        // A directory holding only part of the set does not count as found, and says what it lacks.
        var partial = Directory.CreateDirectory(Path.Combine(root.Path, "partial", "fashion-mnist")).FullName;
        IdxFileBuilder.Write(partial, "train-images-idx3-ubyte", IdxFileBuilder.Images(2, 28, 28), gzip: false);
        var absent = Path.Combine(root.Path, "absent", "fashion-mnist");

        var error = Assert.Throws<DatasetNotFoundException>(() => DatasetCatalog.Resolve("fashion-mnist", [absent, partial]));

        Assert.Contains($"{absent}: no such directory", error.Message);
        Assert.Contains($"{partial}: lacks train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte", error.Message);
        Assert.Contains("aegrid data fetch fashion-mnist", error.Message);
    }

    [Fact]
    public void The_first_complete_directory_wins()
    {
        using var root = TestData.NewTemporaryDirectory();
        var first = Directory.CreateDirectory(Path.Combine(root.Path, "a", "mnist")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(root.Path, "b", "mnist")).FullName;
        IdxFileBuilder.WriteDataset(second, trainCount: 2, testCount: 2, gzip: false);

        Assert.Equal(second, DatasetCatalog.Resolve("mnist", [first, second]));
        IdxFileBuilder.WriteDataset(first, trainCount: 2, testCount: 2, gzip: true);
        Assert.Equal(first, DatasetCatalog.Resolve("mnist", [first, second]));
    }
}

[CollectionDefinition(nameof(EnvironmentVariableCollection), DisableParallelization = true)]
public sealed class EnvironmentVariableCollection;

internal sealed class EnvironmentVariable : IDisposable
{
    readonly string name;
    readonly string? previous;

    public EnvironmentVariable(string name, string? value)
    {
        this.name = name;
        previous = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose() => Environment.SetEnvironmentVariable(name, previous);
}
