using Orleans.Serialization.Cloning;

namespace AeGrid.Abstractions;

/// <summary>
/// How <see cref="Hyperparameters"/> crosses the wire. The record lives in AeGrid.Catalog, which knows nothing of
/// Orleans (the Models use it too), so it travels as its catalog JSON: the same text the store and every --json print,
/// keyed by name rather than by position, so adding a hyperparameter to the catalog needs no edit here.
/// </summary>
[GenerateSerializer, Immutable, Alias("aegrid.hyperparameters-json")]
public readonly record struct HyperparametersSurrogate([property: Id(0)] string Json);

[RegisterConverter]
public sealed class HyperparametersSurrogateConverter : IConverter<Hyperparameters, HyperparametersSurrogate>
{
    public Hyperparameters ConvertFromSurrogate(in HyperparametersSurrogate surrogate) =>
        HyperparametersJson.Deserialize(surrogate.Json);

    public HyperparametersSurrogate ConvertToSurrogate(in Hyperparameters value) => new(HyperparametersJson.Serialize(value));
}

/// <summary>The record is immutable (its one list is an ImmutableArray), so a copy is the record itself.</summary>
[RegisterCopier]
public sealed class HyperparametersCopier : ShallowCopier<Hyperparameters>;
