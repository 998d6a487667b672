namespace AeGrid.Grains.Store;

/// <summary>The SQLite schema as versioned migrations. Types follow SQLite's affinities; times are fixed-width UTC text.</summary>
internal static class SqliteSchema
{
    public const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  TEXT NOT NULL
        );
        """;

    public static readonly IReadOnlyList<SchemaMigration> Migrations =
    [
        new(1, "sweeps, trials, attempts, epoch metrics, checkpoints, models, silos", """
            CREATE TABLE sweeps (
                id          TEXT PRIMARY KEY,
                name        TEXT NOT NULL,
                state       TEXT NOT NULL CHECK (state IN ('running', 'completed', 'cancelled')),
                spec_text   TEXT NOT NULL,
                metric      TEXT NOT NULL,
                maximize    INTEGER NOT NULL CHECK (maximize IN (0, 1)),
                created_at  TEXT NOT NULL,
                finished_at TEXT
            );
            -- Only one running sweep per name; finished sweeps keep theirs and the name can be used again.
            CREATE UNIQUE INDEX sweeps_running_name ON sweeps (name) WHERE state = 'running';

            CREATE TABLE trials (
                id               TEXT PRIMARY KEY,
                sweep_id         TEXT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
                number           INTEGER NOT NULL,
                hyperparameters  TEXT NOT NULL CHECK (json_valid(hyperparameters)),
                status           TEXT NOT NULL,
                silo             TEXT,
                attempts         INTEGER NOT NULL DEFAULT 0,
                epochs_completed INTEGER NOT NULL DEFAULT 0,
                error            TEXT,
                kept             INTEGER NOT NULL DEFAULT 0 CHECK (kept IN (0, 1)),
                created_at       TEXT NOT NULL,
                started_at       TEXT,
                finished_at      TEXT,
                UNIQUE (sweep_id, number)
            );

            -- The fencing record and the slot ledger: an attempt is open while ended_at is null.
            CREATE TABLE trial_attempts (
                trial_id    TEXT NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
                attempt     INTEGER NOT NULL,
                silo        TEXT NOT NULL,
                started_at  TEXT NOT NULL,
                ended_at    TEXT,
                lease_until TEXT NOT NULL,
                outcome     TEXT,
                PRIMARY KEY (trial_id, attempt)
            );
            -- At most one open attempt per trial, whatever the code above does.
            CREATE UNIQUE INDEX trial_attempts_one_open ON trial_attempts (trial_id) WHERE ended_at IS NULL;
            CREATE INDEX trial_attempts_open_on_silo ON trial_attempts (silo, lease_until) WHERE ended_at IS NULL;

            -- Metric columns hold REAL. SQLite turns a bound NaN into NULL, and NULL means "not measured" here,
            -- so NaN is stored as the text 'NaN' (REAL affinity leaves non-numeric text alone); ±Infinity are REALs.
            CREATE TABLE epoch_metrics (
                trial_id                  TEXT NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
                epoch                     INTEGER NOT NULL,
                attempt                   INTEGER NOT NULL,
                train_mse                 REAL NOT NULL,
                test_mse                  REAL NOT NULL,
                test_psnr                 REAL,
                noisy_input_mse           REAL,
                noisy_input_psnr          REAL,
                nmi                       REAL,
                cluster_accuracy          REAL,
                baseline_nmi              REAL,
                baseline_cluster_accuracy REAL,
                samples_per_second        REAL NOT NULL,
                wall_seconds              REAL NOT NULL,
                written_at                TEXT NOT NULL,
                PRIMARY KEY (trial_id, epoch)
            );

            CREATE TABLE checkpoints (
                trial_id TEXT PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
                attempt  INTEGER NOT NULL,
                epoch    INTEGER NOT NULL,
                batch    INTEGER NOT NULL,
                bytes    BLOB NOT NULL,
                saved_at TEXT NOT NULL
            );

            CREATE TABLE models (
                trial_id   TEXT PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
                weights    BLOB NOT NULL,
                created_at TEXT NOT NULL
            );

            CREATE TABLE silos (
                silo          TEXT PRIMARY KEY,
                device_kind   TEXT NOT NULL,
                slots         INTEGER NOT NULL CHECK (slots >= 0),
                registered_at TEXT NOT NULL
            );
            """),

        // Version numbers mean the same change in both stores; 2 (Orleans' clustering tables) is PostgreSQL's only.
        // Admission (started_at) to first batch is the scheduling latency the scale benchmark reports.
        new(3, "trial_attempts.first_batch_at: when an attempt's training first finished a batch", """
            ALTER TABLE trial_attempts ADD COLUMN first_batch_at TEXT;
            """),
        new(4, "epoch_metrics.write_count: how many times an epoch was stored (re-runs after a resume count as redone work)", """
            ALTER TABLE epoch_metrics ADD COLUMN write_count INTEGER NOT NULL DEFAULT 1;
            """),
        // 5 (uncompressed blobs) and 7 (the read-only role) are PostgreSQL's only.
        new(DeviceMigrations.Version, DeviceMigrations.Description, DeviceMigrations.Sqlite),
        new(ProposalMigrations.Version, ProposalMigrations.Description, ProposalMigrations.Sqlite),
        new(PbtMigrations.Version, PbtMigrations.Description, PbtMigrations.Sqlite),
        new(ForkMigrations.Version, ForkMigrations.Description, ForkMigrations.Sqlite),
        new(PackMigrations.Version, PackMigrations.Description, PackMigrations.Sqlite),
    ];
}
