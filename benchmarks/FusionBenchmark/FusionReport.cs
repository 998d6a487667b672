using System.Runtime.InteropServices;
using System.Text;

namespace AeGrid.FusionBenchmark;

/// <summary>The console line per recipe and the markdown results file.</summary>
internal static class FusionReport
{
    public static string Line(FusionRow row, IReadOnlyList<int> packSizes) =>
        $"{Label(row.Recipe),-24} solo cpu {row.Solo.Cpu,7:F0}/s wall {row.Solo.Wall,7:F0}/s | " +
        string.Join("  ", packSizes.Select(k => $"K={k}: {row.Ratio(k).Cpu:F2}× cpu {row.Ratio(k).Wall:F2}× wall"));

    static string Label(Recipe recipe) => $"{recipe.Name} batch {recipe.Config.BatchSize}";

    public static string DefaultPath()
    {
        var directory = Path.Combine(RepositoryRoot(), "benchmarks", "results");
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var path = Path.Combine(directory, $"fusion-{date}.md");
        for (int n = 2; File.Exists(path); n++) path = Path.Combine(directory, $"fusion-{date}-{n}.md");
        return path;
    }

    static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "AeGrid.sln"))) return directory.FullName;
        return Environment.CurrentDirectory;
    }

    public static string Markdown(IReadOnlyList<FusionRow> rows, FusionOptions options, string arguments)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Fusion benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine($"`dotnet run -c Release --project benchmarks/FusionBenchmark -- {arguments}`".Replace(" -- `", "`"));
        text.AppendLine();
        text.AppendLine($"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; 1 intra-op thread; " +
            $"{options.Images} random training images, 1 epoch per run; medians of {options.Rounds} rounds, each measuring solo and every K side by side.");
        text.AppendLine("Throughput in member-samples per second of training, from the median batch (batches only, no evaluation): " +
            "solo is one trial alone, which is also the rate of K trials one at a time; fused is K members' samples per pack batch. " +
            "**cpu** divides by the training thread's CPU time per batch (the work, robust on a shared machine), **wall** by wall time.");
        text.AppendLine();
        text.AppendLine("| recipe | batch | first layer | solo cpu /s | solo wall /s | " + string.Join(" | ", options.PackSizes.Select(k => $"K={k} cpu /s (×) | K={k} wall ×")) + " |");
        text.AppendLine("|---|---:|---|---:|---:|" + string.Concat(options.PackSizes.Select(_ => "---:|---:|")));
        foreach (var row in rows)
            text.AppendLine($"| {row.Recipe.Name} | {row.Recipe.Config.BatchSize} | {row.Recipe.Fusion} | {row.Solo.Cpu:F0} | {row.Solo.Wall:F0} | " +
                string.Join(" | ", options.PackSizes.Select(k => $"{row.Fused[k].Cpu:F0} ({row.Ratio(k).Cpu:F2}×) | {row.Ratio(k).Wall:F2}×")) + " |");
        return text.ToString();
    }
}
