namespace AeGrid.Grains.Store;

/// <summary>Brings a store's schema up to date: each migration once, in version order, recorded in schema_version.</summary>
internal static class SchemaMigrator
{
    /// <summary>
    /// Applies the migrations <paramref name="session"/>'s database lacks, in its transaction; returns them. Refuses a
    /// database that a newer AeGrid has migrated past what this one knows (<paramref name="store"/> names it in the error).
    /// </summary>
    public static async Task<IReadOnlyList<SchemaMigration>> ApplyAsync(StoreSession session, string createVersionTable,
        IReadOnlyList<SchemaMigration> migrations, string store, CancellationToken ct)
    {
        await session.ExecAsync(createVersionTable, ct).ConfigureAwait(false);
        var done = (await session.ListAsync("SELECT version FROM schema_version", r => r.GetInt32(0), ct).ConfigureAwait(false)).ToHashSet();

        var newest = migrations[^1].Version;
        if (done.Count > 0 && done.Max() > newest)
            throw new InvalidOperationException(
                $"the store {store} has schema version {done.Max()}, newer than this AeGrid knows ({newest}): upgrade AeGrid");

        var applied = new List<SchemaMigration>();
        foreach (var migration in migrations.Where(m => !done.Contains(m.Version)))
        {
            await session.ExecAsync(migration.Sql, ct).ConfigureAwait(false);
            await session.ExecAsync($"INSERT INTO schema_version (version, description, applied_at) VALUES (@v, @d, {session.Dialect.Now})", ct,
                ("@v", migration.Version), ("@d", migration.Description)).ConfigureAwait(false);
            applied.Add(migration);
        }
        return applied;
    }
}
