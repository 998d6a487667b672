using System.Reflection;
using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Models.Training;
using AeGrid.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace AeGrid.Grains.Tests.Catalog;

/// <summary>The catalog is the one table of hyperparameters: every record member has an entry, and every way a config
/// travels (the wire, the store's JSON) carries each of them by the catalog's name.</summary>
public sealed class HyperparameterCatalogTests
{
    private static readonly Hyperparameters Every = EveryHyperparameter.Set;

    [Fact]
    public void Every_member_of_the_record_has_one_catalog_entry_that_reads_and_writes_it()
    {
        var members = typeof(Hyperparameters).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).Select(p => p.Name).Order().ToList();
        Assert.Equal(members.Count, HyperparameterCatalog.All.Count);
        Assert.Equal(HyperparameterCatalog.All.Count, HyperparameterCatalog.Names.Distinct().Count());

        foreach (var definition in HyperparameterCatalog.All)
        {
            var value = definition.Get(Every);
            Assert.NotNull(value);
            var blank = new Hyperparameters { Architecture = "linear", Seed = 0 };
            Assert.Equal(value, definition.Get(definition.Set(blank, value)));
            // Setting one parameter leaves every other as it was.
            Assert.All(HyperparameterCatalog.All.Where(d => d != definition),
                other => Assert.Equal(other.Get(blank), other.Get(definition.Set(blank, value))));
        }
    }

    [Fact]
    public void Option_names_are_derived_from_the_catalog_name()
    {
        Assert.Equal("--batch-size", HyperparameterCatalog.Get(HyperparameterCatalog.BatchSize).CommandLineOption);
        Assert.Equal("--lr", HyperparameterCatalog.Get(HyperparameterCatalog.LearningRate).CommandLineOption);
        Assert.Equal("--noise", HyperparameterCatalog.Get(HyperparameterCatalog.NoiseFactor).CommandLineOption);
        Assert.Equal("--noise-factor", HyperparameterCatalog.Get(HyperparameterCatalog.NoiseFactor).DerivedOption);
        Assert.Equal("--arch", HyperparameterCatalog.Get(HyperparameterCatalog.Architecture).CommandLineOption);
    }

    [Fact]
    public void The_encoding_bound_is_the_models_input_size() =>
        Assert.Equal(AeGrid.Models.Architectures.Autoencoder.PixelCount, HyperparameterCatalog.MaxEncodingDim);

    [Fact]
    public void The_wire_carries_every_parameter()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var trial = new TrialConfig("s-t0001", "s", 1, Every);

        var back = serializer.Deserialize<TrialConfig>(serializer.SerializeToArray(trial))!;

        Assert.Equal(HyperparametersJson.Serialize(Every), HyperparametersJson.Serialize(back.Parameters));
        Assert.Equal(trial with { Parameters = back.Parameters }, back);
    }

    [Fact]
    public void The_store_writes_the_catalog_names_and_reads_them_back()
    {
        var json = StoreWire.ToJson(Every);

        Assert.Equal(HyperparametersJson.Serialize(Every), json);
        Assert.Contains("\"lr\":0.01", json);
        Assert.DoesNotContain("learning_rate", json);
        Assert.Equal(json, HyperparametersJson.Serialize(StoreWire.HyperparametersFromJson(json, "t")));
    }

    [Fact]
    public void A_row_the_store_wrote_before_the_names_were_one_still_reads()
    {
        // As StoreWire wrote it with System.Text.Json's snake_case policy: learning_rate, not lr.
        const string stored = """{"architecture":"deep-mlp","encoding_dim":3,"hidden_sizes":[128,64,12],"learning_rate":0.005,"batch_size":64,"epochs":2,"seed":4}""";

        var read = StoreWire.HyperparametersFromJson(stored, "t");

        Assert.Equal(0.005, read.LearningRate);
        Assert.Equal([128, 64, 12], read.HiddenSizes!.Value.ToArray());
        Assert.Equal(4, read.Seed);
        Assert.Equal("""{"architecture":"deep-mlp","encoding_dim":3,"hidden_sizes":[128,64,12],"lr":0.005,"batch_size":64,"epochs":2,"seed":4}""",
            StoreWire.ToJson(read));
    }

    [Fact]
    public void A_stored_row_out_of_range_still_reads_so_that_its_trial_can_fail_with_the_error_stored()
    {
        // The sweep reads every row of its sweep: one bad trial must not make the sweep (or the wire) unreadable.
        var read = StoreWire.HyperparametersFromJson("""{"architecture":"linear","lr":-0.5,"batch_size":0}""", "t");

        Assert.Equal(-0.5, read.LearningRate);
        Assert.Equal(0, read.BatchSize);
        var error = Assert.Throws<InvalidHyperparameterException>(() => HyperparameterCatalog.CheckRanges(read));
        Assert.Contains("lr", error.Message);
    }

    [Fact]
    public void A_number_wider_than_its_member_does_not_read()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            StoreWire.HyperparametersFromJson("""{"architecture":"linear","batch_size":4294967297}""", "s-t0001"));
        Assert.Contains("batch_size", error.Message);
        Assert.Equal(4294967297L, StoreWire.HyperparametersFromJson("""{"architecture":"linear","seed":4294967297}""", "t").Seed);
    }

    [Fact]
    public void A_row_the_store_cannot_read_names_the_trial()
    {
        var error = Assert.Throws<InvalidDataException>(() => StoreWire.HyperparametersFromJson("""{"architecture":"linear","rate":1}""", "s-t0003"));
        Assert.Contains("s-t0003", error.Message);
        Assert.Contains("unknown key 'rate'", error.Message);
    }

    [Fact]
    public void ValidateAll_rejects_shared_ranges_naming_the_parameter()
    {
        var error = Assert.Throws<InvalidHyperparameterException>(() =>
            new Hyperparameters { Architecture = "linear", BatchSize = 0 }.ValidateAll());
        Assert.Equal("batch_size", error.Parameter);
    }

    [Fact]
    public void ValidateAll_applies_the_models_rules()
    {
        var error = Assert.Throws<InvalidHyperparameterException>(() =>
            new Hyperparameters { Architecture = "no-such-net" }.ValidateAll());
        Assert.Equal("architecture", error.Parameter);
        new Hyperparameters { Architecture = "linear", EncodingDim = 32 }.ValidateAll();
    }
}
