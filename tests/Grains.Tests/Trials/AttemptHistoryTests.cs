using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Grains.Trials;

namespace AeGrid.Grains.Tests.Trials;

public sealed class AttemptHistoryTests
{
    static AttemptRecord Ended(int number, string outcome) =>
        new("t", number, "silo", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, outcome);

    [Fact]
    public void Only_the_trials_own_failures_count_towards_max_attempts()
    {
        var history = AttemptHistory.SinceLastRetry(
        [
            Ended(1, TrialStatus.Pending.ToWire()), // handed off by a rolling deploy
            Ended(2, AttemptOutcomes.Expired),      // database outage
            Ended(3, AttemptOutcomes.Error),
            Ended(4, AttemptOutcomes.SiloDead),
            Ended(5, TrialStatus.Pending.ToWire()),
            Ended(6, AttemptOutcomes.Error),
        ]);

        Assert.Equal(new AttemptHistory(OwnFailures: 2, SiloDeaths: 0), history);
    }

    [Fact]
    public void A_retry_after_failed_starts_a_fresh_count()
    {
        var history = AttemptHistory.SinceLastRetry(
        [
            Ended(1, AttemptOutcomes.Error), Ended(2, AttemptOutcomes.Error), Ended(3, TrialStatus.Failed.ToWire()),
            Ended(4, AttemptOutcomes.Error),
        ]);

        Assert.Equal(1, history.OwnFailures);
    }

    [Fact]
    public void Silo_deaths_count_only_in_a_row_at_the_end()
    {
        Assert.Equal(3, AttemptHistory.SinceLastRetry(
            [Ended(1, AttemptOutcomes.SiloDead), Ended(2, AttemptOutcomes.SiloDead), Ended(3, AttemptOutcomes.SiloDead)]).SiloDeaths);
        // A hand-off in between shows the trial can run without taking its silo down.
        Assert.Equal(1, AttemptHistory.SinceLastRetry(
            [Ended(1, AttemptOutcomes.SiloDead), Ended(2, TrialStatus.Pending.ToWire()), Ended(3, AttemptOutcomes.SiloDead)]).SiloDeaths);
        Assert.Equal(new AttemptHistory(0, 0), AttemptHistory.SinceLastRetry([]));
    }
}
