namespace AeGrid.Integration.Tests.Support;

/// <summary>
/// The behaviour tests on local silos run one at a time: each trains, and on a couple of cores two trainings at once
/// would only blur the timings they check (a cancel stops within a batch, a resume continues where it stopped).
/// </summary>
[CollectionDefinition(Name)]
public sealed class LocalSiloCollection
{
    public const string Name = "Local silos";
}
