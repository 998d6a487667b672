using AeGrid.Abstractions;

namespace AeGrid.Grains.Samplers;

/// <summary>
/// Decides what to try next (Optuna's sampler; when to stop a trial is the pruner's job). Built from one
/// <see cref="Sweeps.SweepSpec"/> by <see cref="SamplerFactory"/>; deterministic: the same spec and the same trials
/// so far give the same next trials.
/// </summary>
public interface ISampler
{
    /// <summary>
    /// Up to <paramref name="count"/> trials after the <paramref name="created"/> ones (in creation order); fewer,
    /// possibly none, when the search space is used up. Grid and random search depend only on how many were created
    /// (trial i is always the same); a sampler that learns from results would read them too.
    /// </summary>
    IReadOnlyList<Hyperparameters> Next(IReadOnlyList<Hyperparameters> created, int count);
}

public static class SamplerExtensions
{
    /// <summary>
    /// The next trials as <see cref="TrialConfig"/>s of sweep <paramref name="sweepId"/>: numbered on from the
    /// created ones (0, 1, 2, …), with ids from <see cref="TrialConfig.MakeId"/>.
    /// </summary>
    public static IReadOnlyList<TrialConfig> NextTrials(this ISampler sampler, string sweepId,
        IReadOnlyList<TrialConfig> created, int count)
    {
        var ordered = created.OrderBy(t => t.Number).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Number != i)
                throw new ArgumentException($"trials of sweep {sweepId} must be numbered 0..{ordered.Count - 1}; found {ordered[i].Number} at position {i}", nameof(created));
        }
        var next = sampler.Next([.. ordered.Select(t => t.Parameters)], count);
        return [.. next.Select((parameters, i) =>
        {
            var number = ordered.Count + i;
            return new TrialConfig(TrialConfig.MakeId(sweepId, number), sweepId, number, parameters);
        })];
    }
}
