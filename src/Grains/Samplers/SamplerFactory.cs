using AeGrid.Grains.Samplers.Tpe;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers;

/// <summary>The sampler a sweep's `search:` names.</summary>
public static class SamplerFactory
{
    public static ISampler Create(SweepSpec spec) => spec.Search switch
    {
        SearchKind.Grid => new GridSampler(spec),
        SearchKind.Random => new RandomSampler(spec),
        SearchKind.Tpe => new TpeSampler(spec),
        // PBT's initial population is random draws from the space; its later values come from exploits (PbtScheduler).
        SearchKind.Pbt => new RandomSampler(spec with { Search = SearchKind.Random }),
        _ => throw new ArgumentException($"no sampler for search '{spec.Search}'", nameof(spec)),
    };
}
