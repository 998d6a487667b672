namespace AeGrid.Abstractions;

/// <summary>A trial: a stable id, the sweep it belongs to, its number in that sweep, and what to train.</summary>
[GenerateSerializer, Immutable, Alias("aegrid.trial-config")]
public sealed record TrialConfig(
    [property: Id(0)] string TrialId,
    [property: Id(1)] string SweepId,
    [property: Id(2)] int Number,
    [property: Id(3)] Hyperparameters Parameters)
{
    /// <summary>Trial ids are the sweep id and a zero-padded number, so they sort in creation order.</summary>
    public static string MakeId(string sweepId, int number) => $"{sweepId}-t{number:D4}";
}

public static class TrialIds
{
    /// <summary>The sweep id inside a trial id made by <see cref="TrialConfig.MakeId"/>.</summary>
    public static string SweepOf(string trialId)
    {
        int at = trialId.LastIndexOf("-t", StringComparison.Ordinal);
        if (at <= 0) throw new ArgumentException($"'{trialId}' is not a trial id (expected <sweep id>-tNNNN)", nameof(trialId));
        return trialId[..at];
    }
}
