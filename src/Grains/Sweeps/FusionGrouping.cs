using AeGrid.Abstractions;
using AeGrid.Catalog;
using AeGrid.Models.Fusion;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// `fuse: K`: which pending trials the sweep admits together as one fused pack, in one slot. Trials go in admission
/// order (by number); each joins the first open pack it can share a model with (<see cref="FusionPlan.Incompatibility"/>)
/// that stands at the same completed epoch, else opens a pack of its own. A pack of one is a solo trial (no
/// <see cref="PackAssignment"/>).
/// </summary>
internal static class FusionGrouping
{
    /// <summary>The K a sweep packs by: its `fuse:`, except for a forked sweep, whose trials start from warm weights, which a
    /// pack cannot load.</summary>
    public static int EffectiveFuse(SweepSpec spec, bool forked) => forked ? 1 : spec.Fuse;

    /// <summary>At most <paramref name="slots"/> groups of at most <paramref name="fuse"/> trials each, from <paramref name="pending"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<TrialView>> Group(IEnumerable<TrialView> pending, int fuse, int slots)
    {
        var groups = new List<(Hyperparameters? First, int Epoch, List<TrialView> Members)>();
        // Looking further for partners only delays the trials in front: a few packs' worth of the queue is enough.
        foreach (var view in pending.Take(Math.Max(1, slots) * fuse * 4))
        {
            var config = Fusible(view, fuse);
            int epoch = view.Record.EpochsCompleted;
            var open = config is null ? -1 : groups.FindIndex(g => g.First is { } first && g.Members.Count < fuse && g.Epoch == epoch
                                                                   && FusionPlan.Incompatibility(first, config) is null);
            if (open >= 0) groups[open].Members.Add(view);
            else if (groups.Count < slots) groups.Add((config, epoch, [view]));
            else if (groups.All(g => g.First is null || g.Members.Count == fuse)) break; // every slot taken, every pack full
        }
        return [.. groups.Select(g => (IReadOnlyList<TrialView>)g.Members)];
    }

    /// <summary>The trial's config with defaults filled when it may be fused at all, else null (trains alone).</summary>
    static Hyperparameters? Fusible(TrialView view, int fuse)
    {
        if (fuse < 2) return null;
        try
        {
            var config = view.Config.Parameters.WithDefaults();
            config.Validate();
            return FusionPlan.Incompatibility(config, config) is null ? config : null;
        }
        catch (InvalidHyperparameterException)
        {
            return null; // it fails on its own when it trains, with its error stored
        }
    }

    /// <summary>Each member of a group of two or more and its pack: one fresh id per group, unique per admission.</summary>
    public static Dictionary<TrialView, PackAssignment> Assign(IEnumerable<IReadOnlyList<TrialView>> groups, string sweepId)
    {
        var packs = new Dictionary<TrialView, PackAssignment>();
        foreach (var group in groups.Where(g => g.Count > 1))
        {
            // Naming its sweep for whoever reads trial_attempts.pack; 12 hex digits of a GUID make it unique.
            var pack = new PackAssignment($"{sweepId}/pack-{Guid.NewGuid():N}"[..(sweepId.Length + 18)], group.Count);
            foreach (var member in group) packs[member] = pack;
        }
        return packs;
    }
}
