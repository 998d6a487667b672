using System.Text.RegularExpressions;
using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using AeGrid.Grains.Samplers;
using AeGrid.Models.Data;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// Parses a sweep file (YAML, or JSON when its text opens with '{' and a quoted key) into a validated <see cref="SweepSpec"/>.
/// Runs in the client for early errors and in the sweep grain, which stores the text. Every error is a
/// <see cref="SweepSpecException"/> naming the file, line, column and key. Unknown keys are errors, not ignored,
/// and every trial the spec creates is checked against the Models' rules before anything runs.
/// </summary>
public static partial class SweepSpecParser
{
    /// <summary>Larger grids are refused: they are almost always a mistake, and a random search covers them better.
    /// Every trial is a store row created at submission, so this also bounds what one request may write.</summary>
    public const int MaxGridSize = 10_000;
    /// <summary>A random search's `trials` at most, for the same reason.</summary>
    public const int MaxTrials = 10_000;
    /// <summary>Trials one `sweep extend` may add at most.</summary>
    public const int MaxTrialsPerExtend = 10_000;
    public const int DefaultKeepBest = 3;
    public const int DefaultMaxAttempts = 3;
    /// <summary>A trial that failed this often will not succeed on the next start; more would keep a slot busy retrying.</summary>
    public const int MaxAttemptsLimit = 100;
    public const string DefaultMetric = "test_mse";
    /// <summary>`fuse: K` at most: past 16 members a CPU pack gains nothing more (benchmarks/README.md, Fusion) and one
    /// failure takes more trials' attempts with it.</summary>
    public const int MaxFuse = 16;

    private static readonly string[] SettingKeys =
        ["name", "metric", "mode", "search", "trials", "keep_best", "max_attempts", "pruner", "checkpoint_every_batches", "space", "device", "tpe", "pbt", "fuse"];
    private static readonly string[] TopLevelKeys = [.. SettingKeys, .. HyperparameterCatalog.Names];

    /// <summary>Why `extend` cannot add <paramref name="trials"/> trials, or null when it can.</summary>
    public static string? ExtendProblem(int trials) => trials switch
    {
        < 1 => $"--trials must be positive, got {trials}",
        > MaxTrialsPerExtend => $"--trials may add at most {MaxTrialsPerExtend:N0} trials at once, got {trials:N0}",
        _ => null,
    };

    [GeneratedRegex("^[a-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();

    /// <param name="dataRoots">A silo's data roots: a dataset directory outside them is refused. Null accepts any
    /// directory (the client's own check, local mode, and re-reading a sweep that was accepted when submitted).</param>
    public static SweepSpec Parse(string text, string sourceName, DataRoots? dataRoots = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.TrimStart('\uFEFF');
        SpecTextLimits.Check(text, sourceName);
        var root = (SpecFormat.IsJson(text) ? JsonSpecReader.Read(text, sourceName) : YamlSpecReader.Read(text, sourceName))
            ?? throw new SweepSpecException(sourceName, 1, 1, null, "the file is empty; a sweep needs at least a name and an architecture");
        var reader = new SpecValueReader(sourceName);
        var top = reader.Mapping(root, null, "a mapping of sweep settings (name: …, architecture: …) at the top level");
        return new Reading(reader, top, dataRoots).Run();
    }

    /// <summary>One parse: the settings read so far and where each hyperparameter was given.</summary>
    private sealed partial class Reading(SpecValueReader reader, SpecMapping top, DataRoots? dataRoots)
    {
        private string? name;
        private string metric = DefaultMetric;
        private bool maximize;
        private SearchKind search = SearchKind.Grid;
        private SpecNode? searchNode;
        private int? trials;
        private SpecNode? trialsNode;
        private TpeOptions? tpeOptions;
        private SpecNode? tpeNode;
        private int keepBest = DefaultKeepBest;
        private int maxAttempts = DefaultMaxAttempts;
        private PrunerSpec pruner = new NoPrunerSpec();
        private int? checkpointEveryBatches;
        private int fuse = 1;
        private long seed = 1;
        private DeviceDemand device = DeviceDemand.Any;
        private readonly List<FixedParameter> fixedParameters = [];
        private IReadOnlyList<SearchSpaceParser.ParsedDimension> space = [];
        private SpecNode? spaceNode;
        private SpecNode? prunerNode;
        private SpecNode? pbtNode;
        private PbtSpec? pbt;
        /// <summary>Where each hyperparameter was given (its value node and key), for errors found later.</summary>
        private readonly Dictionary<string, (SpecNode Node, string Key)> locations = [];
        /// <summary>Where each architecture's own sub-space gives a hyperparameter: (architecture, parameter) → node and key.</summary>
        private readonly Dictionary<(string Architecture, string Parameter), (SpecNode Node, string Key)> branchLocations = [];

        public SweepSpec Run()
        {
            foreach (var entry in reader.Entries(top, null)) ReadTopLevel(entry);
            var sweepName = name
                ?? throw reader.Error(top, "name", "required: give the sweep a name like 'denoisers' ([a-z0-9._-], at most 64 characters)");
            CheckSpace();
            var spec = new SweepSpec
            {
                Name = sweepName,
                Metric = metric,
                Maximize = maximize,
                Search = search,
                Trials = trials,
                Tpe = search == SearchKind.Tpe ? tpeOptions ?? new TpeOptions() : null,
                Seed = seed,
                KeepBest = keepBest,
                MaxAttempts = maxAttempts,
                Pruner = pruner,
                CheckpointEveryBatches = checkpointEveryBatches,
                Fuse = fuse,
                Fixed = new ValueList<FixedParameter>(fixedParameters),
                Space = new ValueList<SearchDimension>(space.Select(d => d.Dimension)),
                Device = device,
                Pbt = search == SearchKind.Pbt ? pbt ?? new PbtSpec() : null,
            };
            PbtSpecParser.Check(spec, space, top, prunerNode, pbtNode, reader);
            CheckDatasets(spec);
            ValidateTrials(spec);
            return spec;
        }

        /// <summary>Every dataset the sweep names must be one this silo may read (see <see cref="DataRoots"/>).</summary>
        private void CheckDatasets(SweepSpec spec)
        {
            if (dataRoots is null) return;
            var named = spec.Fixed.Where(f => f.Parameter == HyperparameterCatalog.Dataset)
                .Select(f => (f.Value, locations[HyperparameterCatalog.Dataset]))
                .Concat(SearchSpaceParser.Flatten(space).Where(d => d.Dimension is CategoricalDimension { Parameter: HyperparameterCatalog.Dataset })
                    .SelectMany(d => ((CategoricalDimension)d.Dimension).Choices.Select(c => (c, ((SpecNode)d.Entry.Value, d.Key)))));
            foreach (var (value, (node, key)) in named)
                if (value is TextValue text && dataRoots.Problem(text.Value) is { } problem) throw reader.Error(node, key, problem);
        }

        /// <summary>A value as an error quotes it: a file may hold megabytes in one scalar, a message one short line.</summary>
        private static string Short(string text) => ErrorText.Quote(text);

        private void ReadTopLevel(SpecEntry entry)
        {
            var (key, value) = (entry.Key.Text, entry.Value);
            switch (key)
            {
                case "name":
                    var text = reader.Text(value, key);
                    name = NamePattern().IsMatch(text)
                        ? text
                        : throw reader.Error(value, key, $"must be 1 to 64 of a-z, 0-9, '.', '_', '-', got '{Short(text)}'");
                    break;
                case "metric":
                    var metricName = reader.Text(value, key);
                    metric = EpochReport.MetricNames.Contains(metricName)
                        ? metricName
                        : throw reader.Error(value, key, $"unknown metric '{Short(metricName)}'; expected one of {string.Join(", ", EpochReport.MetricNames)}");
                    break;
                case "mode":
                    maximize = reader.Text(value, key) switch
                    {
                        "min" => false,
                        "max" => true,
                        var other => throw reader.Error(value, key, $"expected min or max, got '{Short(other)}'"),
                    };
                    break;
                case "search":
                    searchNode = value;
                    search = reader.Text(value, key) switch
                    {
                        "grid" => SearchKind.Grid,
                        "random" => SearchKind.Random,
                        "tpe" => SearchKind.Tpe,
                        "pbt" => SearchKind.Pbt,
                        var other => throw reader.Error(value, key, $"expected grid, random, tpe or pbt, got '{Short(other)}'"),
                    };
                    break;
                case "trials":
                    trialsNode = value;
                    trials = (int)reader.Integer(value, key, 1, MaxTrials);
                    break;
                case "keep_best":
                    keepBest = reader.Integer(value, key, min: 0);
                    break;
                case "max_attempts":
                    maxAttempts = (int)reader.Integer(value, key, 1, MaxAttemptsLimit);
                    break;
                case "pruner":
                    prunerNode = value;
                    pruner = PrunerSpecParser.Parse(value, reader);
                    break;
                case "checkpoint_every_batches":
                    checkpointEveryBatches = reader.Integer(value, key, min: 1);
                    break;
                case "fuse":
                    fuse = (int)reader.Integer(value, key, 1, MaxFuse);
                    break;
                case "device":
                    var deviceName = reader.Text(value, key);
                    device = DeviceDemands.TryParse(deviceName)
                        ?? throw reader.Error(value, key, $"expected {string.Join(", ", DeviceDemands.Names)}, got '{Short(deviceName)}'");
                    break;
                case "tpe":
                    tpeNode = value;
                    tpeOptions = TpeOptionsParser.Parse(value, reader);
                    break;
                case "pbt":
                    pbtNode = value;
                    pbt = PbtSpecParser.Parse(value, reader);
                    break;
                case "space":
                    spaceNode = value;
                    space = SearchSpaceParser.Parse(value, reader);
                    break;
                default:
                    var definition = HyperparameterCatalog.Find(key)
                        ?? throw reader.Error(entry.Key, key, KeySpelling.UnknownKey(key, TopLevelKeys));
                    var parameter = reader.Parameter(definition, value, key);
                    locations[key] = (value, key);
                    if (key == HyperparameterCatalog.Seed) seed = ((IntegerValue)parameter).Value;
                    else fixedParameters.Add(new FixedParameter(key, parameter));
                    break;
            }
        }

        /// <summary>
        /// Builds every trial the sweep starts with and puts it through the Models' validation, so a bad value fails
        /// here with its line rather than later on a silo. An error in a varied parameter names the trial. TPE creates
        /// no trial up front: its random start-up draws are checked instead (each sub-space was checked on its own).
        /// </summary>
        private void ValidateTrials(SweepSpec spec)
        {
            var count = spec.Search == SearchKind.Tpe ? Math.Min(spec.Trials!.Value, Math.Max(1, spec.Tpe!.StartupTrials)) : spec.InitialTrialCount;
            var initial = SamplerFactory.Create(spec).Next([], count);
            for (var number = 0; number < initial.Count; number++)
            {
                try
                {
                    TrainingRules.ValidateAll(initial[number]);
                }
                catch (InvalidHyperparameterException e)
                {
                    var (node, key) = branchLocations.TryGetValue((initial[number].Architecture, e.Parameter), out var inBranch)
                        ? inBranch
                        : locations.TryGetValue(e.Parameter, out var given)
                            ? given
                            : locations[HyperparameterCatalog.Architecture];
                    var problem = e.Message.StartsWith($"{e.Parameter}: ", StringComparison.Ordinal)
                        ? e.Message[(e.Parameter.Length + 2)..]
                        : e.Message;
                    if (!locations.ContainsKey(e.Parameter) && !branchLocations.ContainsKey((initial[number].Architecture, e.Parameter)))
                        problem = $"{e.Parameter}: {problem}";
                    if (spec.Space.Count > 0) problem += $" (trial {number}: {TrialLabel(initial[number])})";
                    throw reader.Error(node, key, problem);
                }
            }
        }

        private string TrialLabel(Hyperparameters trial) =>
            string.Join(", ", SearchSpaceParser.Flatten(space).Select(d => d.Dimension.Parameter).Distinct()
                .Select(p => (p, Value: HyperparameterCatalog.Get(p).Get(trial)))
                .Where(p => p.Value is not null)
                .Select(p => $"{p.p}={p.Value}"));
    }
}
