using System.Globalization;
using AeGrid.Abstractions;
using AeGrid.Grains.Placement;

namespace AeGrid.Grains.Store;

/// <summary>How values are written into store columns, shared by both stores so their rows read the same.</summary>
internal static class StoreWire
{
    /// <summary>The catalog's JSON (<see cref="HyperparametersJson"/>): the names sweep files and every --json use.</summary>
    public static string ToJson(Hyperparameters parameters) => HyperparametersJson.Serialize(parameters);

    /// <summary>Reads a row's hyperparameters; rows written before the names were one (learning_rate) read the same.</summary>
    public static Hyperparameters HyperparametersFromJson(string json, string trialId)
    {
        try
        {
            return HyperparametersJson.Deserialize(json);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"trial '{trialId}' has unreadable hyperparameters in the store: {e.Message}", e);
        }
    }

    public static string ToWire(this SweepState state) => state.ToString().ToLowerInvariant();

    public static SweepState ParseSweepState(string text) => Enum.Parse<SweepState>(text, ignoreCase: true);

    public static DeviceDemand ParseDevice(string text) =>
        DeviceDemands.TryParse(text) ?? throw new InvalidDataException($"device: unknown value '{text}' in the store");

    /// <summary>SQLite keeps times as fixed-width UTC text, so text order is time order (lease comparisons in SQL).</summary>
    private const string SqliteTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static string ToSqliteTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString(SqliteTimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset FromSqliteTime(string text) =>
        DateTimeOffset.ParseExact(text, SqliteTimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>(sweep, status, count) rows of a GROUP BY, shaped as each sweep's counts per status.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<TrialStatus, int>> CountsBySweep(
        IEnumerable<(string Sweep, TrialStatus Status, int Count)> rows) =>
        rows.GroupBy(r => r.Sweep).ToDictionary(g => g.Key,
            g => (IReadOnlyDictionary<TrialStatus, int>)g.ToDictionary(r => r.Status, r => r.Count));
}

/// <summary>How an attempt ended, as stored in trial_attempts.outcome.</summary>
public static class AttemptOutcomes
{
    /// <summary>Its lease ran out and another claim closed it.</summary>
    public const string Expired = "expired";
    /// <summary>Membership declared its silo dead (<see cref="ITrialStore.AbandonAttemptsOfSiloAsync"/>).</summary>
    public const string SiloDead = "silo-dead";
    /// <summary>Its owner ended it with an error that will be retried: one of the trial's own failures (what max_attempts
    /// counts), unlike a hand-off, an expired lease or a silo death.</summary>
    public const string Error = "error";
    /// <summary>pbt took the trial's checkpoint and hyperparameters from a better one (<see cref="ITrialStore.ExploitAsync"/>):
    /// not a failure, and its training thread's later writes are fenced out, as a zombie's are.</summary>
    public const string Exploited = "exploited";
    // Otherwise the outcome is the trial status its owner ended it with (TrialStatus.ToWire(): completed, pending, …).

    /// <summary>True when the attempt was closed by someone other than its owner: its writes are a zombie's.</summary>
    public static bool IsFencedOut(string? outcome) => outcome is Expired or SiloDead or Exploited;

    /// <summary>The outcomes of <see cref="IsFencedOut"/> as an SQL list: 'expired', 'silo-dead', 'exploited'.</summary>
    public const string FencedOutSqlList = $"'{Expired}', '{SiloDead}', '{Exploited}'";
}
