namespace AeGrid.Grains.Store;

/// <summary>
/// Schema migration 11 in both stores: trial_attempts.pack, the fused pack (`fuse: K` in a sweep file) an attempt trains
/// in. Attempts of one pack on one silo share one slot, so the slot ledger counts packs, not attempts; an attempt outside
/// any pack (null) is a pack of one. Everything a trial keeps — epochs, checkpoints, models — is per trial as before:
/// only the slot accounting knows about packs. sweeps.fuse is the K a sweep packs its trials by (1 for a sweep that does
/// not fuse), so the autoscaler can count the slots a sweep's unfinished trials need, not the trials.
/// </summary>
internal static class PackMigrations
{
    public const int Version = 11;
    public const string Description = "trial_attempts.pack: attempts of one fused pack share a slot; sweeps.fuse: trials per pack";

    public const string Postgres = """
        ALTER TABLE trial_attempts ADD COLUMN pack text;
        ALTER TABLE sweeps ADD COLUMN fuse integer NOT NULL DEFAULT 1 CHECK (fuse >= 1);
        """;

    public const string Sqlite = """
        ALTER TABLE trial_attempts ADD COLUMN pack TEXT;
        ALTER TABLE sweeps ADD COLUMN fuse INTEGER NOT NULL DEFAULT 1 CHECK (fuse >= 1);
        """;

    /// <summary>What one open attempt occupies in the slot ledger: its pack, or itself alone. Count DISTINCT of it per silo.</summary>
    public static string SlotOf(string alias) => $"coalesce({alias}.pack, {alias}.trial_id || '#' || {alias}.attempt)";
}
