using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Pruners;

/// <summary>The pruner a sweep's `pruner:` names, facing the sweep's metric direction.</summary>
public static class PrunerFactory
{
    public static IPruner Create(SweepSpec spec)
    {
        var direction = new MetricDirection(spec.Maximize);
        return spec.Pruner switch
        {
            NoPrunerSpec => new NoPruner(),
            MedianPrunerSpec median => new MedianPruner(median, direction),
            AshaPrunerSpec asha => new AshaPruner(asha, direction),
            var other => throw new ArgumentException($"no pruner for {other.GetType().Name}", nameof(spec)),
        };
    }
}
