using AeGrid.Models.Data;

namespace AeGrid.Grains.Sweeps;

/// <summary>
/// Which datasets a silo accepts in the sweep files clients submit. By default a known name or a directory under the
/// standard data roots ($AEGRID_DATA, ~/.aegrid/data, /usr/share/datasets) and <see cref="ExtraRoots"/>; local mode, whose
/// only client is the user of the same machine, sets <see cref="AnyPath"/>.
/// </summary>
public sealed class DatasetAccessOptions
{
    /// <summary>Directories besides the standard roots under which this silo reads datasets.</summary>
    public List<string> ExtraRoots { get; set; } = [];

    /// <summary>Accept any directory (local mode: `aegrid run` on the user's own machine).</summary>
    public bool AnyPath { get; set; }

    /// <summary>The roots to enforce, or null for any path.</summary>
    public DataRoots? Roots() => AnyPath ? null : DataRoots.Standard(ExtraRoots);
}
