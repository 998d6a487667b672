namespace AeGrid.Grains.Store;

/// <summary>
/// Schema migration 10 in both stores: forked sweeps (`aegrid sweep fork`). sweeps.forked_from_sweep and forked_from_trial
/// record where a fork came from; they are plain text, not foreign keys, so deleting the source leaves the fork intact.
/// warm_starts holds the weights its trials start from, copied at fork time and deleted with the forked sweep.
/// </summary>
internal static class ForkMigrations
{
    public const int Version = 10;
    public const string Description = "sweeps.forked_from_sweep/_trial and warm_starts: the weights a forked sweep's trials start from";

    public const string Postgres = """
        ALTER TABLE sweeps ADD COLUMN forked_from_sweep text;
        ALTER TABLE sweeps ADD COLUMN forked_from_trial text;
        CREATE TABLE warm_starts (
            sweep_id     text PRIMARY KEY REFERENCES sweeps (id) ON DELETE CASCADE,
            source_epoch integer NOT NULL,
            weights      bytea NOT NULL,
            created_at   timestamptz NOT NULL
        );
        -- Weights barely compress (see migration 5).
        ALTER TABLE warm_starts ALTER COLUMN weights SET STORAGE EXTERNAL;
        """;

    public const string Sqlite = """
        ALTER TABLE sweeps ADD COLUMN forked_from_sweep TEXT;
        ALTER TABLE sweeps ADD COLUMN forked_from_trial TEXT;
        CREATE TABLE warm_starts (
            sweep_id     TEXT PRIMARY KEY REFERENCES sweeps (id) ON DELETE CASCADE,
            source_epoch INTEGER NOT NULL,
            weights      BLOB NOT NULL,
            created_at   TEXT NOT NULL
        );
        """;
}
