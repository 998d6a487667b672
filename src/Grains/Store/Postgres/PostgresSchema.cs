using Npgsql;

namespace AeGrid.Grains.Store;

/// <summary>The PostgreSQL schema as versioned migrations, and the lock that lets many processes migrate at once.</summary>
internal static class PostgresSchema
{
    /// <summary>pg_advisory_xact_lock key for "aegrid schema": every migrating transaction takes it first.</summary>
    private const long MigrationLockKey = 0x0AE6_51D0_5C4E_3A01;

    public static async Task LockMigrationsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx)
        {
            Parameters = { new NpgsqlParameter { Value = MigrationLockKey } },
        };
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     integer PRIMARY KEY,
            description text NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        );
        """;

    public static readonly IReadOnlyList<SchemaMigration> Migrations =
    [
        new(1, "sweeps, trials, attempts, epoch metrics, checkpoints, models, silos", """
            CREATE TABLE sweeps (
                id          text PRIMARY KEY,
                name        text NOT NULL,
                state       text NOT NULL CHECK (state IN ('running', 'completed', 'cancelled')),
                spec_text   text NOT NULL,
                metric      text NOT NULL,
                maximize    boolean NOT NULL,
                created_at  timestamptz NOT NULL,
                finished_at timestamptz
            );
            -- Only one running sweep per name; finished sweeps keep theirs and the name can be used again.
            CREATE UNIQUE INDEX sweeps_running_name ON sweeps (name) WHERE state = 'running';

            CREATE TABLE trials (
                id               text PRIMARY KEY,
                sweep_id         text NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
                number           integer NOT NULL,
                hyperparameters  jsonb NOT NULL,
                status           text NOT NULL,
                silo             text,
                attempts         integer NOT NULL DEFAULT 0,
                epochs_completed integer NOT NULL DEFAULT 0,
                error            text,
                kept             boolean NOT NULL DEFAULT false,
                created_at       timestamptz NOT NULL,
                started_at       timestamptz,
                finished_at      timestamptz,
                UNIQUE (sweep_id, number)
            );

            -- The fencing record and the slot ledger: an attempt is open while ended_at is null.
            CREATE TABLE trial_attempts (
                trial_id    text NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
                attempt     integer NOT NULL,
                silo        text NOT NULL,
                started_at  timestamptz NOT NULL,
                ended_at    timestamptz,
                lease_until timestamptz NOT NULL,
                outcome     text,
                PRIMARY KEY (trial_id, attempt)
            );
            -- At most one open attempt per trial, whatever the code above does.
            CREATE UNIQUE INDEX trial_attempts_one_open ON trial_attempts (trial_id) WHERE ended_at IS NULL;
            CREATE INDEX trial_attempts_open_on_silo ON trial_attempts (silo, lease_until) WHERE ended_at IS NULL;

            -- double precision keeps NaN and ±Infinity as themselves; NULL means "not measured".
            CREATE TABLE epoch_metrics (
                trial_id                  text NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
                epoch                     integer NOT NULL,
                attempt                   integer NOT NULL,
                train_mse                 double precision NOT NULL,
                test_mse                  double precision NOT NULL,
                test_psnr                 double precision,
                noisy_input_mse           double precision,
                noisy_input_psnr          double precision,
                nmi                       double precision,
                cluster_accuracy          double precision,
                baseline_nmi              double precision,
                baseline_cluster_accuracy double precision,
                samples_per_second        double precision NOT NULL,
                wall_seconds              double precision NOT NULL,
                written_at                timestamptz NOT NULL,
                PRIMARY KEY (trial_id, epoch)
            );

            CREATE TABLE checkpoints (
                trial_id text PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
                attempt  integer NOT NULL,
                epoch    integer NOT NULL,
                batch    integer NOT NULL,
                bytes    bytea NOT NULL,
                saved_at timestamptz NOT NULL
            );

            CREATE TABLE models (
                trial_id   text PRIMARY KEY REFERENCES trials (id) ON DELETE CASCADE,
                weights    bytea NOT NULL,
                created_at timestamptz NOT NULL
            );

            CREATE TABLE silos (
                silo          text PRIMARY KEY,
                device_kind   text NOT NULL,
                slots         integer NOT NULL CHECK (slots >= 0),
                registered_at timestamptz NOT NULL
            );
            """),

        // Applied through OrleansAdoNetSchema (idempotent, so it also fits a database that already has these tables).
        new(2, "Orleans ADO.NET clustering and reminder tables and queries (Orleans 10.4.2)", OrleansAdoNetSchema.Tables),

        // Admission (started_at) to first batch is the scheduling latency the scale benchmark reports.
        new(3, "trial_attempts.first_batch_at: when an attempt's training first finished a batch", """
            ALTER TABLE trial_attempts ADD COLUMN first_batch_at timestamptz;
            """),
        new(4, "epoch_metrics.write_count: how many times an epoch was stored (re-runs after a resume count as redone work)", """
            ALTER TABLE epoch_metrics ADD COLUMN write_count integer NOT NULL DEFAULT 1;
            """),

        // Trained weights barely compress, yet PostgreSQL tries pglz on every value over ~2 kB before storing it
        // uncompressed: measured 140 ms of a 2.6 MB checkpoint's 160 ms save. EXTERNAL stores them out of line, as is.
        new(5, "checkpoints and model weights stored without compression", """
            ALTER TABLE checkpoints ALTER COLUMN bytes SET STORAGE EXTERNAL;
            ALTER TABLE models ALTER COLUMN weights SET STORAGE EXTERNAL;
            """),
        new(DeviceMigrations.Version, DeviceMigrations.Description, DeviceMigrations.Postgres),
        new(ReaderRoleMigration.Version, ReaderRoleMigration.Description, ReaderRoleMigration.Sql),
        new(ProposalMigrations.Version, ProposalMigrations.Description, ProposalMigrations.Postgres),
        new(PbtMigrations.Version, PbtMigrations.Description, PbtMigrations.Postgres),
        new(ForkMigrations.Version, ForkMigrations.Description, ForkMigrations.Postgres),
        new(PackMigrations.Version, PackMigrations.Description, PackMigrations.Postgres),
    ];
}
