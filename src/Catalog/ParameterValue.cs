using System.Globalization;

namespace AeGrid.Catalog;

/// <summary>
/// One hyperparameter value as a sweep file gives it, typed by the parameter's <see cref="ParameterKind"/>.
/// <see cref="ToString"/> writes it back the way a sweep file spells it (used in error messages and trial labels).
/// </summary>
public abstract record ParameterValue;

public sealed record TextValue(string Value) : ParameterValue
{
    public override string ToString() => Value;
}

public sealed record IntegerValue(long Value) : ParameterValue
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

public sealed record RealValue(double Value) : ParameterValue
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

public sealed record FlagValue(bool Value) : ParameterValue
{
    public override string ToString() => Value ? "true" : "false";
}

/// <summary>Layer sizes, e.g. hidden_sizes [256, 128].</summary>
public sealed record SizesValue(ValueList<int> Sizes) : ParameterValue
{
    public override string ToString() => Sizes.ToString();
}
