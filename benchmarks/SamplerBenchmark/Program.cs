using System.Diagnostics;
using System.Runtime.InteropServices;
using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Samplers.Tpe;
using AeGrid.Grains.Sweeps;

// Times one TPE proposal at 100, 1,000 and 10,000 finished trials over a realistic mixed space: a conditional architecture
// with its own parameters, a log-uniform learning rate, an integer batch size and a list. Two figures per size:
//   propose: the sampler alone, on a history already encoded (what each further proposal of one round costs);
//   build + propose: also encoding the stored rows into a history (what the sweep grain pays once per round).
// Usage: dotnet run -c Release --project benchmarks/SamplerBenchmark [-- --proposals 50 --sizes 100,1000,10000]
var proposals = 50;
int[] sizes = [100, 1_000, 10_000];
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--proposals": proposals = int.Parse(args[i + 1]); break;
        case "--sizes": sizes = [.. args[i + 1].Split(',').Select(int.Parse)]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}; use --proposals N --sizes A,B,C"); return 2;
    }
}

const string SpecText = """
    name: sampler-benchmark
    search: tpe
    trials: 10000
    seed: 3
    space:
      architecture:
        denoise-mlp: {hidden_sizes: [[256], [256, 128], [512, 256]], noise_factor: {uniform: [0.2, 0.7]}}
        conv-denoise: {noise_factor: {uniform: [0.2, 0.7]}}
        deep-mlp: {encoding_dim: {int: [8, 64]}}
        linear: {}
      lr: {loguniform: [0.0001, 0.03]}
      batch_size: {int: [16, 256]}
      optimizer: [adam, sgd]
    """;
var spec = SweepSpecParser.Parse(SpecText, "sampler-benchmark.yaml");
var sampler = new TpeSampler(spec);
var random = new RandomSampler(spec);
const int Pending = 8; // a busy grid: the trials still running count as worst (constant liar)

Console.WriteLine($"TPE proposal time, {proposals} proposals per size, {Pending} pending trials, candidates {spec.Tpe!.Candidates}");
Console.WriteLine($"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical CPUs, " +
                  $"{System.Numerics.Vector<double>.Count} doubles per vector");
Console.WriteLine();
Console.WriteLine($"load average before: {LoadAverage()}");
Console.WriteLine($"{"finished",10} {"propose min",12} {"p50",9} {"p99",9} {"build+propose min",18} {"p50",9} {"p99",9}");
foreach (var finished in sizes)
{
    var rows = new List<TpeTrialRow>(finished + Pending);
    for (var n = 0; n < finished + Pending; n++)
    {
        var parameters = random.At(n);
        rows.Add(new TpeTrialRow(n, n < finished ? TrialStatus.Completed : TrialStatus.Running, parameters,
            n < finished ? Objective(parameters) : null, n < finished ? 1 : null));
    }
    var number = finished + Pending;
    var history = TpeObservations.Build(spec, rows, number, basis: 1);
    for (var w = 0; w < 10; w++) sampler.Propose(number + w, history); // warm up the JIT

    var propose = new double[proposals];
    var round = new double[proposals];
    for (var p = 0; p < proposals; p++)
    {
        var started = Stopwatch.GetTimestamp();
        sampler.Propose(number + p, history);
        propose[p] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        started = Stopwatch.GetTimestamp();
        sampler.Propose(number + p, TpeObservations.Build(spec, rows, number, basis: 1));
        round[p] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
    Console.WriteLine($"{finished,10:N0} {propose.Min(),9:0.000} ms {Percentile(propose, 50),6:0.000} ms {Percentile(propose, 99),6:0.000} ms " +
                      $"{round.Min(),15:0.000} ms {Percentile(round, 50),6:0.000} ms {Percentile(round, 99),6:0.000} ms");
}
Console.WriteLine($"load average after: {LoadAverage()}");
return 0;

// Other processes on a shared machine stretch the percentiles; the minimum is the closest to the cost on a quiet one.
static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static double Objective(Hyperparameters p) =>
    (p.Architecture == "conv-denoise" ? 0 : 0.5) + Math.Pow(Math.Log10(p.LearningRate!.Value) + 3, 2) + (p.NoiseFactor ?? 0.5) * 0.1;

static double Percentile(double[] values, int percentile)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
}
