using AeGrid.Abstractions;
using AeGrid.Grains.Pruners;
using AeGrid.Grains.Samplers;

namespace AeGrid.Grains.Sweeps;

/// <summary>One member of the population as the exploit decision sees it: its metric at the decision epoch, and whether
/// the store holds its snapshot at that epoch.</summary>
public sealed record PbtMember(string TrialId, double Score, bool HasSnapshot);

/// <summary>What an exploit does: take <see cref="DonorId"/>'s snapshot and train on with <see cref="NewParameters"/>.</summary>
public sealed record ExploitDecision(string DonorId, Hyperparameters NewParameters);

/// <summary>
/// The pure decision of population-based training (Ray Tune's PopulationBasedTraining, Jaderberg et al. 2017), with no
/// store and no grain: given the population's scores at an epoch, is the reporting trial in the bottom quantile, and if so
/// which top-quantile trial does it copy and with which perturbed hyperparameters. Every random choice comes from a stream
/// seeded by (sweep seed, trial, epoch), so a decision made again (a sweep re-activated after its silo died) is the same.
/// </summary>
public sealed class PbtScheduler(SweepSpec spec)
{
    private readonly PbtSpec _pbt = spec.Pbt ?? throw new ArgumentException($"sweep '{spec.Name}' is not a pbt search", nameof(spec));
    private readonly MetricDirection _direction = new(spec.Maximize);

    /// <summary>How many trials each quantile holds in a population of <paramref name="ranked"/> (Ray's rule: ceil, at most half).</summary>
    public int QuantileSize(int ranked) => Math.Min((int)Math.Ceiling(ranked * _pbt.Quantile), ranked / 2);

    /// <summary>
    /// The exploit for <paramref name="recipient"/> reporting <paramref name="epoch"/>, or null: not a decision epoch, too
    /// few ranked members, not in the bottom quantile, or no top-quantile member with a snapshot at this epoch (a trial
    /// without a stored snapshot is never a donor). <paramref name="population"/> includes the recipient.
    /// </summary>
    public ExploitDecision? Decide(TrialConfig recipient, int epoch, int totalEpochs, IReadOnlyList<PbtMember> population)
    {
        if (!_pbt.IsDecisionEpoch(epoch, totalEpochs)) return null;
        // Best first; NaN (diverged) is worst; ties by id, so the order never depends on the order given.
        var ranked = population
            .OrderBy(m => double.IsNaN(m.Score) ? double.PositiveInfinity : _direction.Loss(m.Score))
            .ThenBy(m => m.TrialId, StringComparer.Ordinal)
            .ToList();
        int size = QuantileSize(ranked.Count);
        if (size == 0) return null;
        var bottom = ranked.Skip(ranked.Count - size).Select(m => m.TrialId);
        if (!bottom.Contains(recipient.TrialId)) return null;
        var donors = ranked.Take(size).Where(m => m.HasSnapshot && m.TrialId != recipient.TrialId).ToList();
        if (donors.Count == 0) return null;

        var stream = Stream(recipient.TrialId, epoch);
        var donor = donors[(int)stream.NextBelow((ulong)donors.Count)];
        return new ExploitDecision(donor.TrialId, Perturb(recipient.Parameters, ref stream));
    }

    /// <summary>
    /// Ray's explore step, per space dimension in file order: with resample_probability a fresh draw from the space;
    /// else a number is multiplied by 0.8 or 1.2 (kept within its range: an lr range is a promise), a list value moves to
    /// a neighbour in the list.
    /// </summary>
    internal Hyperparameters Perturb(Hyperparameters parameters, ref SplitMix64 stream)
    {
        var perturbed = parameters;
        foreach (var dimension in spec.Space)
        {
            var definition = HyperparameterCatalog.Get(dimension.Parameter);
            var current = definition.Get(parameters);
            bool resample = stream.NextDouble() < _pbt.ResampleProbability;
            var choice = stream.NextUInt64();
            var value = resample || current is null ? Resample(dimension, choice) : Move(dimension, current, choice);
            perturbed = definition.Set(perturbed, value);
        }
        return perturbed;
    }

    private static ParameterValue Move(SearchDimension dimension, ParameterValue current, ulong choice)
    {
        double factor = PbtSpec.PerturbationFactors[(int)(choice % (ulong)PbtSpec.PerturbationFactors.Count)];
        switch (dimension, current)
        {
            case (FloatDimension f, RealValue r):
                return new RealValue(Math.Clamp(r.Value * factor, f.Low, f.High));
            case (IntegerDimension i, IntegerValue n):
                return new IntegerValue(Math.Clamp((long)Math.Round(n.Value * factor), i.Low, i.High));
            case (CategoricalDimension c, _):
                int at = c.Choices.ToList().IndexOf(current);
                if (at < 0) return c.Choices[(int)(choice % (ulong)c.Choices.Count)];
                int shifted = Math.Clamp(at + (factor < 1 ? -1 : 1), 0, c.Choices.Count - 1);
                return c.Choices[shifted];
            default:
                throw new InvalidOperationException($"cannot perturb {dimension.Parameter} = {current}");
        }
    }

    /// <summary>A fresh draw of one dimension: the random sampler's own draw (its first trial) under a seed of this choice.</summary>
    private ParameterValue Resample(SearchDimension dimension, ulong choice)
    {
        var draw = new RandomSampler(spec with { Search = SearchKind.Random, Seed = unchecked((long)choice) }).At(0);
        return HyperparameterCatalog.Get(dimension.Parameter).Get(draw)
               ?? throw new InvalidOperationException($"the random sampler drew no {dimension.Parameter}");
    }

    /// <summary>The space's values of <paramref name="parameters"/>, for logs: "lr=0.001, noise_factor=0.3".</summary>
    public string Describe(Hyperparameters parameters) =>
        string.Join(", ", spec.Space.Select(d => $"{d.Parameter}={HyperparameterCatalog.Get(d.Parameter).Get(parameters)}"));

    private SplitMix64 Stream(string trialId, int epoch)
    {
        ulong hash = 14695981039346656037UL; // FNV-1a of the trial id: stable across processes, unlike string.GetHashCode
        foreach (var c in trialId) hash = unchecked((hash ^ c) * 1099511628211UL);
        return SplitMix64.ForDraw(unchecked(spec.Seed ^ (long)hash), epoch);
    }
}
