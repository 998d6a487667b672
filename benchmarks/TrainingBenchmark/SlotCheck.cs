using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AeGrid.TrainingBenchmark;

/// <summary>
/// How a 2-core machine should be shared: two trainings of one thread each, side by side (2 slots × 1 thread), against
/// one training of two threads (1 slot × 2 threads). The figure is the machine's aggregate samples/s.
/// </summary>
internal sealed class SlotCheck(BenchmarkOptions options, string worker, string data)
{
    public async Task<string> RunAsync()
    {
        var text = new StringBuilder("Slots × threads (aggregate samples/s of the machine, tutorial batch, medians):\n\n");
        text.AppendLine("| recipe | 2 slots × 1 thread | 1 slot × 2 threads | 2×1 ÷ 1×2 |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var name in options.SlotRecipes)
        {
            var recipe = Recipe.All.Single(r => r.Name == name);
            int images = Math.Max(recipe.TutorialBatch * 4, (int)(recipe.Images * options.Scale));
            List<double> twoSlots = [], oneSlot = [];
            for (int run = 1; run <= options.Runs; run++)
            {
                var pair = await Task.WhenAll(Rate(recipe, 1, images), Rate(recipe, 1, images));
                twoSlots.Add(pair.Sum());
                oneSlot.Add(await Rate(recipe, 2, images));
                Console.WriteLine($"slots run {run} {name}: 2×1 {twoSlots[^1]:F0}, 1×2 {oneSlot[^1]:F0} samples/s");
            }
            double a = TrainingRun.Median(twoSlots), b = TrainingRun.Median(oneSlot);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {a:F0} | {b:F0} | {a / b:F2}× |"));
        }
        Console.WriteLine(text);
        return text.ToString();
    }

    async Task<double> Rate(Recipe recipe, int threads, int images)
    {
        try
        {
            var json = await TrainingRun.RunAsync("dotnet", [worker, "worker", "train", data, recipe.Name, TrainingRun.Text(recipe.TutorialBatch),
                TrainingRun.Text(threads), TrainingRun.Text(images), TrainingRun.Text(options.Epochs)], null);
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.GetProperty("samples_per_s").GetDouble();
        }
        catch (TimeoutException e)
        {
            Console.WriteLine(e.Message);
            return double.NaN;
        }
    }
}
