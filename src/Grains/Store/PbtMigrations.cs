namespace AeGrid.Grains.Store;

/// <summary>
/// Schema migration 9 in both stores: population-based training. checkpoint_snapshots keeps a trial's epoch-end checkpoint
/// at every perturbation interval (what other trials exploit: read from the store, never from a live grain, so a donor's
/// silo may die); pbt_exploits records each exploit (one per trial and epoch) for lineage in `sweep status` and Grafana.
/// Both go with their trial (ON DELETE CASCADE), so deleting a sweep deletes them.
/// </summary>
internal static class PbtMigrations
{
    public const int Version = 9;
    public const string Description = "checkpoint_snapshots and pbt_exploits: population-based training";

    public const string Postgres = $$"""
        CREATE TABLE checkpoint_snapshots (
            trial_id text NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
            epoch    integer NOT NULL,
            attempt  integer NOT NULL,
            bytes    bytea NOT NULL,
            saved_at timestamptz NOT NULL,
            PRIMARY KEY (trial_id, epoch)
        );
        ALTER TABLE checkpoint_snapshots ALTER COLUMN bytes SET STORAGE EXTERNAL;

        CREATE TABLE pbt_exploits (
            sweep_id     text NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
            trial_id     text NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
            donor_id     text NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
            epoch        integer NOT NULL,
            old_params   jsonb NOT NULL,
            new_params   jsonb NOT NULL,
            exploited_at timestamptz NOT NULL,
            PRIMARY KEY (trial_id, epoch)
        );
        CREATE INDEX pbt_exploits_by_sweep ON pbt_exploits (sweep_id, epoch);

        -- Grafana's read-only role (migration 7) reads the lineage; its default privileges cover new tables only when the
        -- same user migrates, so grant explicitly.
        DO $aegrid$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ReaderRoleMigration.RoleName}}') THEN
                GRANT SELECT ON checkpoint_snapshots, pbt_exploits TO {{ReaderRoleMigration.RoleName}};
            END IF;
        END
        $aegrid$;
        """;

    public const string Sqlite = """
        CREATE TABLE checkpoint_snapshots (
            trial_id TEXT NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
            epoch    INTEGER NOT NULL,
            attempt  INTEGER NOT NULL,
            bytes    BLOB NOT NULL,
            saved_at TEXT NOT NULL,
            PRIMARY KEY (trial_id, epoch)
        );

        CREATE TABLE pbt_exploits (
            sweep_id     TEXT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
            trial_id     TEXT NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
            donor_id     TEXT NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
            epoch        INTEGER NOT NULL,
            old_params   TEXT NOT NULL CHECK (json_valid(old_params)),
            new_params   TEXT NOT NULL CHECK (json_valid(new_params)),
            exploited_at TEXT NOT NULL,
            PRIMARY KEY (trial_id, epoch)
        );
        CREATE INDEX pbt_exploits_by_sweep ON pbt_exploits (sweep_id, epoch);
        """;
}
