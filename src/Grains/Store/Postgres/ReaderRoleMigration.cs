namespace AeGrid.Grains.Store;

/// <summary>
/// PostgreSQL migration 7: the read-only role <c>aegrid_reader</c> that Grafana (and anyone looking) connects with. It is
/// created NOLOGIN when absent; an operator gives it a login and password, or grants it to a login role
/// (docs/telemetry.md). It can SELECT every table of the schema, now and later (default privileges), and write none.
/// Roles belong to the whole server, so creating one needs CREATEROLE: a migrating user that owns the schema but lacks it
/// skips the creation with a warning (logged by the store) and grants only when the role exists already.
/// </summary>
internal static class ReaderRoleMigration
{
    public const int Version = 7;
    public const string RoleName = "aegrid_reader";
    public const string Description = "read-only role aegrid_reader (NOLOGIN unless an operator says otherwise) with SELECT on every table";

    public const string Sql = $$"""
        DO $aegrid$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{RoleName}}') THEN
                BEGIN
                    CREATE ROLE {{RoleName}} NOLOGIN;
                EXCEPTION
                    WHEN insufficient_privilege THEN
                        RAISE WARNING 'aegrid: role {{RoleName}} not created: % lacks CREATEROLE; create it (NOLOGIN) and re-grant as docs/telemetry.md shows', current_user;
                    -- Another database on this server created it at the same moment.
                    WHEN duplicate_object OR unique_violation THEN NULL;
                END;
            END IF;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{RoleName}}') THEN
                BEGIN
                    EXECUTE format('GRANT USAGE ON SCHEMA %I TO {{RoleName}}', current_schema());
                EXCEPTION WHEN insufficient_privilege THEN
                    RAISE WARNING 'aegrid: cannot grant USAGE on schema % to {{RoleName}}; its owner must', current_schema();
                END;
                EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO {{RoleName}}', current_schema());
                EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO {{RoleName}}', current_schema());
            END IF;
        END
        $aegrid$;
        """;
}
