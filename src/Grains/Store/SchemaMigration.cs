namespace AeGrid.Grains.Store;

/// <summary>
/// One step of a store's schema. Steps are applied in <see cref="Version"/> order, each once, and recorded in the
/// schema_version table. Append new steps; never edit one that has shipped (databases out there already ran it).
/// </summary>
internal sealed record SchemaMigration(int Version, string Description, string Sql);
