using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers.Tpe;

/// <summary>
/// What one TPE proposal sees, in trial order: observations (a trial's final value: its last epoch's metric, also for a
/// pruned trial, as Optuna does), trials that count as worse than every observation (diverged), and pending trials
/// (created, not finished: the constant liar makes them worst too, so parallel slots do not get the same proposal).
/// Failed and cancelled trials are left out. Each trial's parameters are encoded into per-parameter columns once, so a
/// proposal reads flat arrays.
/// </summary>
public sealed class TpeHistory
{
    private readonly SweepSpec spec;
    private double[][] columns;
    private double[] scores;
    private bool[] pending;

    public TpeHistory(SweepSpec spec, int capacity = 16)
    {
        this.spec = spec;
        parameters = [.. TpeParameter.Of(spec)];
        capacity = Math.Max(capacity, 1);
        columns = [.. parameters.Select(_ => new double[capacity])];
        scores = new double[capacity];
        pending = new bool[capacity];
    }

    private readonly TpeParameter[] parameters;

    internal IReadOnlyList<TpeParameter> Parameters => parameters;
    /// <summary>Entries of every kind.</summary>
    public int Count { get; private set; }
    /// <summary>Observations and worst-counted trials: what start-up and the split into good and bad count.</summary>
    public int Finished { get; private set; }
    /// <summary>The entries' values, oriented so lower is better (negated for `mode: max`); +∞ for worst and pending.</summary>
    internal ReadOnlySpan<double> Scores => scores.AsSpan(0, Count);
    internal ReadOnlySpan<bool> Pending => pending.AsSpan(0, Count);
    internal ReadOnlySpan<double> Column(TpeParameter parameter) => columns[parameter.Index].AsSpan(0, Count);

    /// <summary>A finished trial and its final metric value; a value that is not finite counts as worst.</summary>
    public void AddObserved(Hyperparameters trial, double value) =>
        Add(trial, double.IsFinite(value) ? (spec.Maximize ? -value : value) : double.PositiveInfinity, isPending: false);

    /// <summary>A finished trial that counts as worse than every observation (diverged).</summary>
    public void AddWorst(Hyperparameters trial) => Add(trial, double.PositiveInfinity, isPending: false);

    /// <summary>A trial created but not finished: the constant liar counts it as worst.</summary>
    public void AddPending(Hyperparameters trial) => Add(trial, double.PositiveInfinity, isPending: true);

    private void Add(Hyperparameters trial, double score, bool isPending)
    {
        if (Count == scores.Length) Grow();
        for (var p = 0; p < parameters.Length; p++) columns[p][Count] = parameters[p].Encode(trial);
        scores[Count] = score;
        pending[Count] = isPending;
        Count++;
        if (!isPending) Finished++;
    }

    private void Grow()
    {
        var capacity = scores.Length * 2;
        for (var c = 0; c < columns.Length; c++) Array.Resize(ref columns[c], capacity);
        Array.Resize(ref scores, capacity);
        Array.Resize(ref pending, capacity);
    }
}
