using AeGrid.TestSupport;

namespace AeGrid.Integration.Tests.Support;

/// <summary>One real PostgreSQL server for every test class of this assembly that names the collection.</summary>
[CollectionDefinition(PostgresServer.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;
