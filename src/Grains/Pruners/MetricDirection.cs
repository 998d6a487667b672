namespace AeGrid.Grains.Pruners;

/// <summary>
/// Minimise or maximise, decided once: pruners compare losses, where a loss is the metric value when minimising
/// and its negation when maximising (Ray Tune's ±1 factor), so no comparison anywhere else depends on the direction.
/// NaN stays NaN.
/// </summary>
public readonly record struct MetricDirection(bool Maximize)
{
    public static MetricDirection Minimizing => new(false);
    public static MetricDirection Maximizing => new(true);

    public double Loss(double value) => Maximize ? -value : value;
}
