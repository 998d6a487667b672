using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AeGrid.Abstractions;
using AeGrid.Client.Output;
using AeGrid.Client.Training;
using AeGrid.Grains.Store;
using AeGrid.TestSupport;

namespace AeGrid.Client.Tests.Training;

/// <summary>
/// Every catalog hyperparameter makes the whole trip under one name: catalog → `aegrid train` option → the --json
/// document → the store → a config again.
/// </summary>
public sealed class HyperparameterRoundTripTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aegrid-roundtrip-").FullName;

    private static readonly Hyperparameters Every = EveryHyperparameter.Set;

    public static TheoryData<string> Names => [.. HyperparameterCatalog.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Each_hyperparameter_keeps_its_name_and_value_from_option_to_store_and_back(string name)
    {
        var definition = HyperparameterCatalog.Get(name);
        var expected = definition.Get(Every)!;

        // catalog → CLI option (under the shown name and the derived one)
        foreach (var option in new[] { definition.CommandLineOption, definition.DerivedOption }.Distinct())
        {
            var parsed = Parse(option, expected);
            Assert.Equal(expected, definition.Get(parsed));
        }
        var fromCommandLine = Parse(definition.CommandLineOption, expected);

        // → the --json document, under the sweep file's name
        using var document = JsonDocument.Parse(JsonOutput.Serialize(new { hyperparameters = fromCommandLine }));
        var written = document.RootElement.GetProperty("hyperparameters");
        Assert.True(written.TryGetProperty(name, out _), $"{name} missing from {written}");
        var fromJson = written.Deserialize<Hyperparameters>(JsonOutput.Options)!;

        // → the store → a config
        var stored = await StoreAndReadAsync(fromJson);
        Assert.Equal(expected, definition.Get(stored));
        Assert.Equal(HyperparametersJson.Serialize(fromCommandLine), HyperparametersJson.Serialize(stored));
    }

    [Fact]
    public void Config_files_written_before_the_names_were_one_still_read()
    {
        // config.json as `aegrid train --out` wrote it from the Models' own record: learning_rate, not lr.
        const string old = """{"architecture":"linear","encoding_dim":32,"learning_rate":0.001,"optimizer":"adam","batch_size":20,"epochs":1,"seed":1,"dataset":"mnist","shuffle":false}""";

        var read = JsonSerializer.Deserialize<Hyperparameters>(old, JsonOutput.Options)!;

        Assert.Equal(0.001, read.LearningRate);
        Assert.Contains("\"lr\": 0.001", JsonOutput.Serialize(read));
        Assert.DoesNotContain("learning_rate", JsonOutput.Serialize(read));
    }

    private static Hyperparameters Parse(string option, ParameterValue value)
    {
        var options = new HyperparameterOptions();
        var command = new RootCommand();
        foreach (var o in options.Options) command.Options.Add(o);
        string[] args = option == HyperparameterCatalog.Get(HyperparameterCatalog.Architecture).CommandLineOption
                        || option == HyperparameterCatalog.Get(HyperparameterCatalog.Architecture).DerivedOption
            ? [option, OnCommandLine(value)]
            : ["--arch", Every.Architecture, option, OnCommandLine(value)];
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return options.Read(parse);
    }

    private static string OnCommandLine(ParameterValue value) => value switch
    {
        SizesValue sizes => string.Join(',', sizes.Sizes),
        RealValue real => real.Value.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    private async Task<Hyperparameters> StoreAndReadAsync(Hyperparameters parameters)
    {
        var store = new SqliteTrialStore(Path.Combine(_folder, $"{Guid.NewGuid():N}.db"));
        await store.MigrateAsync();
        const string sweepId = "roundtrip";
        await store.CreateSweepAsync(
            new SweepRecord(sweepId, sweepId, SweepState.Running, "spec", "test_mse", false, DateTimeOffset.UtcNow, null),
            [new TrialConfig(TrialConfig.MakeId(sweepId, 1), sweepId, 1, parameters)]);
        var trial = await store.GetTrialAsync(TrialConfig.MakeId(sweepId, 1));
        if (store is IAsyncDisposable disposable) await disposable.DisposeAsync();
        return trial!.Parameters;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
