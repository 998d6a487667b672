using AeGrid.Grains.Placement;

namespace AeGrid.Grains.Sweeps;

public enum SearchKind { Grid, Random, Tpe, Pbt }

/// <summary>
/// A parsed, validated sweep file. It never crosses the wire: the spec TEXT is what the client sends and the
/// sweep grain stores, and both parse it with <see cref="SweepSpecParser"/>. Lists compare by value, so the same
/// spec written as YAML or JSON gives equal records.
/// </summary>
public sealed record SweepSpec
{
    /// <summary>[a-z0-9._-], at most 64 characters.</summary>
    public required string Name { get; init; }
    /// <summary>What "best" means: one of <see cref="AeGrid.Abstractions.EpochReport.MetricNames"/>.</summary>
    public required string Metric { get; init; }
    /// <summary>True when bigger is better (`mode: max`); minimised otherwise.</summary>
    public required bool Maximize { get; init; }
    public required SearchKind Search { get; init; }
    /// <summary>Random search: trials created at the start; TPE: the budget of trials, proposed as slots free up; pbt: the
    /// population. Null for a grid, whose size decides.</summary>
    public int? Trials { get; init; }
    /// <summary>The TPE sampler's settings (`tpe:`); null unless `search: tpe`.</summary>
    public TpeOptions? Tpe { get; init; }
    /// <summary>Seeds the random sampler, and is every trial's training seed unless `seed` is in <see cref="Space"/>.</summary>
    public required long Seed { get; init; }
    /// <summary>How many of the best trials' models are kept when the sweep ends.</summary>
    public required int KeepBest { get; init; }
    /// <summary>How many times a trial is started before a failure is final.</summary>
    public required int MaxAttempts { get; init; }
    public required PrunerSpec Pruner { get; init; }
    /// <summary>Also checkpoint inside an epoch every N batches; null: only at epoch ends.</summary>
    public int? CheckpointEveryBatches { get; init; }
    /// <summary>`fuse: K`: up to K trials that can share one model (<see cref="AeGrid.Models.Fusion.FusionPlan"/>) train as one
    /// fused pack in one slot; 1 (the default) trains every trial alone.</summary>
    public int Fuse { get; init; } = 1;
    /// <summary>Hyperparameters every trial shares, in file order (the seed is <see cref="Seed"/>).</summary>
    public required ValueList<FixedParameter> Fixed { get; init; }
    /// <summary>What varies between trials, in file order (the grid's nesting order: first key outermost).</summary>
    public required ValueList<SearchDimension> Space { get; init; }
    /// <summary>Which slots the trials run on (`device: cuda | cpu | any`); stored per trial as trials.device.</summary>
    public DeviceDemand Device { get; init; } = DeviceDemand.Any;
    /// <summary>`search: pbt`'s settings (<see cref="PbtSpec"/>); null for other searches.</summary>
    public PbtSpec? Pbt { get; init; }

    /// <summary>The number of grid points: the product of the dimensions' sizes (1 for an empty space), where a conditional
    /// `architecture:` counts the sum over its architectures of their sub-grids. Null unless a grid search.</summary>
    public long? GridSize => Search == SearchKind.Grid ? GridSizeOf(Space) : null;

    /// <summary>Trials to create when the sweep starts: the whole grid, or <see cref="Trials"/> random draws. None for TPE,
    /// which proposes each trial when a slot is free for it, from the results so far.</summary>
    public int InitialTrialCount => Search switch
    {
        SearchKind.Grid => (int)GridSize!.Value,
        SearchKind.Tpe => 0,
        _ => Trials!.Value,
    };

    /// <summary>How many grid points <paramref name="space"/> has (lists only). Saturates at <see cref="long.MaxValue"/>
    /// rather than wrapping: sub-spaces of long lists can multiply past it, and the parser must still see "too many".</summary>
    public static long GridSizeOf(IEnumerable<SearchDimension> space) =>
        space.Aggregate(1L, (product, dimension) => Saturating(product, dimension switch
        {
            CategoricalDimension categorical => categorical.Choices.Count,
            ConditionalDimension conditional => conditional.Branches.Aggregate(0L, (sum, b) =>
                Math.Min(long.MaxValue - sum, GridSizeOf(b.Space)) + sum),
            _ => throw new InvalidOperationException($"{dimension.Parameter} is not a list; a grid has lists only"),
        }));

    private static long Saturating(long product, long size) => size != 0 && product > long.MaxValue / size ? long.MaxValue : product * size;
}

/// <summary>A hyperparameter every trial of the sweep shares.</summary>
public sealed record FixedParameter(string Parameter, ParameterValue Value);

/// <summary>`tpe:` settings, Optuna's defaults: 10 random start-up trials, then the best of 24 candidates.</summary>
public sealed record TpeOptions(int StartupTrials = TpeOptions.DefaultStartupTrials, int Candidates = TpeOptions.DefaultCandidates)
{
    public const int DefaultStartupTrials = 10;
    public const int DefaultCandidates = 24;
}
