using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;

namespace AeGrid.Grains.Samplers.Tpe;

/// <summary>
/// One thing TPE samples: a dimension of the space, or the architecture of a conditional space, or a dimension of one
/// architecture's sub-space (<see cref="Architecture"/> set: a trial has it only when it trains that architecture). Values
/// are numbers in the space TPE models: a choice's index, a real (its log for loguniform), an integer.
/// </summary>
internal sealed class TpeParameter
{
    private TpeParameter(int index, SearchDimension dimension, string? architecture)
    {
        Index = index;
        Dimension = dimension;
        Architecture = architecture;
        definition = HyperparameterCatalog.Get(dimension.Parameter);
        switch (dimension)
        {
            case CategoricalDimension categorical:
                Choices = categorical.Choices.Count;
                break;
            case ConditionalDimension conditional:
                Choices = conditional.Branches.Count;
                break;
            case FloatDimension real:
                (Low, High) = real.Log ? (Math.Log(real.Low), Math.Log(real.High)) : (real.Low, real.High);
                break;
            case IntegerDimension integer:
                // Each integer owns the unit interval around it, so both ends are as likely as the inner values.
                (Low, High) = (integer.Low - 0.5, integer.High + 0.5);
                break;
        }
    }

    /// <summary>Looked up once: encoding a long history reads it for every trial.</summary>
    private readonly HyperparameterDefinition definition;

    /// <summary>Its column in <see cref="TpeHistory"/>.</summary>
    public int Index { get; }
    public SearchDimension Dimension { get; }
    /// <summary>The architecture whose sub-space holds it; null for a dimension every trial has.</summary>
    public string? Architecture { get; }
    /// <summary>How many choices a list or a conditional architecture offers; 0 for a range.</summary>
    public int Choices { get; }
    public bool IsCategorical => Choices > 0;
    public double Low { get; }
    public double High { get; }

    /// <summary>Every parameter of <paramref name="spec"/>'s space: each conditional architecture's sub-space follows it.</summary>
    public static IReadOnlyList<TpeParameter> Of(SweepSpec spec)
    {
        var parameters = new List<TpeParameter>();
        foreach (var dimension in spec.Space)
        {
            parameters.Add(new TpeParameter(parameters.Count, dimension, null));
            if (dimension is not ConditionalDimension conditional) continue;
            foreach (var branch in conditional.Branches)
                foreach (var inner in branch.Space)
                    parameters.Add(new TpeParameter(parameters.Count, inner, branch.Architecture));
        }
        return parameters;
    }

    /// <summary>The trial's value as TPE models it; NaN when the trial does not have this parameter.</summary>
    public double Encode(Hyperparameters trial)
    {
        if (Architecture is not null && trial.Architecture != Architecture) return double.NaN;
        switch (Dimension)
        {
            case ConditionalDimension conditional:
                for (var b = 0; b < conditional.Branches.Count; b++)
                    if (conditional.Branches[b].Architecture == trial.Architecture) return b;
                return double.NaN;
            case CategoricalDimension categorical:
                var value = definition.Get(trial);
                for (var c = 0; c < categorical.Choices.Count; c++)
                    if (categorical.Choices[c].Equals(value)) return c;
                return double.NaN;
            default:
                var number = definition.Get(trial) switch
                {
                    RealValue real => real.Value,
                    IntegerValue integer => integer.Value,
                    _ => double.NaN,
                };
                return Dimension is FloatDimension { Log: true } ? Math.Log(number) : number;
        }
    }

    /// <summary>A sampled number back as the value a trial is given (rounded and kept in bounds).</summary>
    public ParameterValue Decode(double x) => Dimension switch
    {
        ConditionalDimension conditional => new TextValue(conditional.Branches[(int)x].Architecture),
        CategoricalDimension categorical => categorical.Choices[(int)x],
        FloatDimension { Log: true } log => new RealValue(Math.Clamp(Math.Exp(x), log.Low, log.High)),
        FloatDimension real => new RealValue(Math.Clamp(x, real.Low, real.High)),
        IntegerDimension integer => new IntegerValue(Math.Clamp((long)Math.Round(x, MidpointRounding.AwayFromZero), integer.Low, integer.High)),
        _ => throw new InvalidOperationException($"no decoding for {Dimension.GetType().Name}"),
    };
}
