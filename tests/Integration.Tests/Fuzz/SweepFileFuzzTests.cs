using System.Diagnostics;
using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Fuzz;

/// <summary>
/// Hundreds of mutated sweep files (from every file in examples/) sent to `Submit` on a running silo: each answer is a
/// one-line refusal (<see cref="AeGridRequestException"/>) or a created sweep, which is cancelled at once; nothing else
/// escapes, and afterwards the silo still takes a valid sweep and answers for it.
/// </summary>
[Collection(LocalSiloCollection.Name)]
public sealed class SweepFileFuzzTests(ITestOutputHelper output)
{
    const int Seed = 20261205;
    const int CasesPerFile = 25;

    [Fact]
    public async Task Mutated_sweep_files_are_refused_in_one_line_or_created_and_the_silo_stays_up()
    {
        // A silo that does not train: created sweeps are cancelled anyway, and no case waits on a dataset or a slot.
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1,
            training: o => { o.Trains = false; return o; });
        var examples = Directory.GetFiles(Path.Combine(RepoPaths.Root, "examples"))
            .Where(f => Path.GetExtension(f) is ".yaml" or ".json").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(examples);

        var random = new Random(Seed);
        var (refused, created) = (0, 0);
        var escaped = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var example in examples)
        {
            var original = await File.ReadAllTextAsync(example);
            for (var n = 0; n < CasesPerFile; n++)
            {
                var mutated = SweepFileMutator.Mutate(original, random);
                var label = $"{Path.GetFileName(example)} case {n}";
                try
                {
                    var id = await silo.Directory.Submit(mutated, Path.GetFileName(example));
                    created++;
                    await silo.Sweep(id).Cancel();
                }
                catch (AeGridRequestException e)
                {
                    refused++;
                    if (string.IsNullOrWhiteSpace(e.Message) || e.Message.Contains('\n') || e.Message.Length > 2_000)
                        escaped.Add($"{label}: refusal is not one short line: {Shorten(e.Message)}");
                }
                catch (Exception e)
                {
                    escaped.Add($"{label}: {e.GetType().Name}: {Shorten(e.Message)} <- {Shorten(mutated)}");
                }
            }
        }
        output.WriteLine($"{refused} refused, {created} created, {escaped.Count} escaped in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var line in escaped) output.WriteLine(line);
        Assert.Empty(escaped);
        Assert.True(refused > 0 && created > 0, $"the mutations should produce both outcomes: {refused} refused, {created} created");

        var valid = SweepFiles.Tiny("after-fuzz", "architecture: linear\nepochs: 1");
        var after = await silo.Directory.Submit(valid, "after-fuzz.yaml");
        var status = await silo.Sweep(after).GetStatus();
        Assert.Equal(SweepState.Running, status.Sweep.State);
        await silo.Sweep(after).Cancel();
    }

    static string Shorten(string text) => (text.Length <= 300 ? text : text[..300] + "…").ReplaceLineEndings("⏎");
}
