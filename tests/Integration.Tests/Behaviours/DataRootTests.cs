using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;
using AeGrid.Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// A silo that is not local mode reads data only under its data roots: `Submit` refuses a sweep naming any other
/// directory with one line naming the key, and accepts one under a root (here the fixtures, as `--data-root` gives).
/// </summary>
[Collection(LocalSiloCollection.Name)]
public sealed class DataRootTests
{
    [Fact]
    public async Task Submit_refuses_datasets_outside_the_silos_data_roots()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1,
            configureServices: s => s.Configure<DatasetAccessOptions>(o => { o.AnyPath = false; o.ExtraRoots = [RepoPaths.Fixtures]; }),
            training: o => { o.Trains = false; return o; });

        foreach (var dataset in new[] { "/etc", "../../x", RepoPaths.Fixtures + "/../../src" })
        {
            var error = await Assert.ThrowsAsync<AeGridRequestException>(() =>
                silo.Directory.Submit($"name: outside\narchitecture: linear\ndataset: {dataset}\n", "outside.yaml"));
            Assert.StartsWith("outside.yaml:3:10: dataset: a silo reads only mnist or fashion-mnist, or a directory under its data roots", error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }

        var id = await silo.Directory.Submit(SweepFiles.Tiny("inside", "architecture: linear\nepochs: 1"), "inside.yaml");
        await silo.Sweep(id).Cancel();
    }
}
