namespace AeGrid.FusionBenchmark;

/// <summary>Command-line options; a bad one prints a one-line error and the benchmark exits with 2.</summary>
internal sealed record FusionOptions(int Rounds, int Images, IReadOnlyList<int> PackSizes, string? Output)
{
    public static FusionOptions? Parse(string[] args)
    {
        var options = new FusionOptions(3, 1200, [2, 4, 8, 16], null);
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            try
            {
                options = args[i] switch
                {
                    "--rounds" => options with { Rounds = Positive(args[i], value) },
                    "--images" => options with { Images = Positive(args[i], value) },
                    "--packs" => options with { PackSizes = [.. (value ?? "").Split(',').Select(v => Positive(args[i], v))] },
                    "--output" => options with { Output = value ?? throw new FormatException("--output: needs a file name") },
                    _ => throw new FormatException($"unknown option '{args[i]}' (known: --rounds, --images, --packs, --output)"),
                };
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"fusion benchmark: {e.Message}");
                return null;
            }
            i++;
        }
        return options;
    }

    static int Positive(string option, string? value) =>
        int.TryParse(value, out int number) && number > 0 ? number : throw new FormatException($"{option}: must be a positive integer, got '{value}'");
}
