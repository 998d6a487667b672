using System.Globalization;
using AeGrid.TrainingBenchmark;

// `worker ...` is how the benchmark runs one measurement in a child process; anything else is the benchmark itself.
if (args.Length > 0 && args[0] == "worker")
{
    string Arg(int i) => args[i];
    int Int(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
    return args[1] switch
    {
        "train" => Workers.Training(Arg(2), Arg(3), Int(4), Int(5), Int(6), Int(7)),
        "gemm" => Workers.Gemm(Int(2), Int(3)),
        _ => throw new ArgumentException($"unknown worker '{args[1]}'"),
    };
}

BenchmarkOptions options;
try { options = BenchmarkOptions.Parse(args); }
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
return await new TrainingRun(options).RunAsync();
