using Orleans;
using Orleans.Runtime;

namespace AeGrid.Grains.Store;

/// <summary>
/// How long <see cref="ResilientTrialStore"/> keeps retrying a store call that failed for a transient reason
/// (<see cref="TransientStoreErrors"/>): one retry policy per kind of call, because what a caller can afford to wait for differs.
/// </summary>
public sealed class StoreResilienceOptions
{
    /// <summary>
    /// Every call not named below (the sweeps' bookkeeping, the CLI, lease renewals, migrations): rides out a lock conflict
    /// or a dropped pooled connection, and fails within seconds when the database is really away, so that a lease renewal
    /// still answers before its lease runs out and a sweep's tick or a CLI command reports the outage.
    /// </summary>
    public StoreRetryOptions Calls { get; set; } = new() { MaxRetries = 5, FirstDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(1) };

    /// <summary>
    /// What a trial attempt cannot do without: the checkpoint and warm start it starts from, its checkpoints and snapshots,
    /// and its end. About two and a half minutes, longer than a lease (60 s by default), so a database restart never costs
    /// an attempt; past the lease, fencing decides (the attempt's late writes are refused, the sweep requeues the trial).
    /// </summary>
    public StoreRetryOptions Attempts { get; set; } = new() { MaxRetries = 36, FirstDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(5) };

    /// <summary>
    /// The epoch writer's batches: unbounded (<see cref="StoreRetryOptions.MaxRetries"/> null) by default, because a trial
    /// needs every epoch row and the writer keeps the batch until the store takes it, however long the outage.
    /// </summary>
    public StoreRetryOptions EpochWrites { get; set; } = new() { MaxRetries = null, FirstDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(5) };
}

/// <summary>Exponential backoff with jitter: about <see cref="FirstDelay"/>, twice that, four times, … capped at <see cref="MaxDelay"/>.</summary>
public sealed record StoreRetryOptions
{
    /// <summary>Retries after the first try; null retries for as long as the failure stays transient.</summary>
    public int? MaxRetries { get; init; } = 5;

    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Fails silo start-up when <see cref="StoreResilienceOptions"/> cannot work, naming the property and its value.</summary>
public sealed class StoreResilienceOptionsValidator(StoreResilienceOptions options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        Check(options.Calls, nameof(StoreResilienceOptions.Calls));
        Check(options.Attempts, nameof(StoreResilienceOptions.Attempts));
        Check(options.EpochWrites, nameof(StoreResilienceOptions.EpochWrites));
    }

    /// <summary>The same checks, for a caller without a silo (a test, a tool): throws <see cref="OrleansConfigurationException"/>.</summary>
    internal static void Validate(StoreResilienceOptions options) => new StoreResilienceOptionsValidator(options).ValidateConfiguration();

    private static void Check(StoreRetryOptions? retry, string name)
    {
        var where = $"{nameof(StoreResilienceOptions)}.{name}";
        if (retry is null) throw new OrleansConfigurationException($"Invalid {where}: it is required");
        if (retry.MaxRetries is < 0)
            throw new OrleansConfigurationException($"Invalid {where}.{nameof(retry.MaxRetries)}: {retry.MaxRetries} (0 or more; null for no limit)");
        if (retry.FirstDelay <= TimeSpan.Zero)
            throw new OrleansConfigurationException($"Invalid {where}.{nameof(retry.FirstDelay)}: {retry.FirstDelay} (must be positive)");
        if (retry.MaxDelay < retry.FirstDelay)
            throw new OrleansConfigurationException(
                $"Invalid {where}.{nameof(retry.MaxDelay)}: {retry.MaxDelay} (at least {nameof(retry.FirstDelay)}, {retry.FirstDelay})");
    }
}
