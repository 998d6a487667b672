using AeGrid.Abstractions;
using AeGrid.Grains.Store;

namespace AeGrid.Grains.Tests.Store;

/// <summary>The set-based reads behind the sweep grain's view and `sweep list`.</summary>
public abstract partial class TrialStoreContract
{
    [Fact]
    public async Task Get_trials_by_id_returns_just_those_rows_of_the_sweep_as_they_stand()
    {
        var (sweepId, trialIds) = await NewSweepAsync(trials: 4, name: "watched");
        var (otherSweep, otherIds) = await NewSweepAsync(trials: 1, name: "other");
        var silo = await NewSiloAsync(slots: 1);
        var attempt = (await Store.BeginAttemptAsync(trialIds[2], silo, TimeSpan.FromMinutes(1)))!.Value;

        // Asked in any order, with a repeat, an id of another sweep and an unknown one: the sweep's rows, by number, once.
        var rows = await Store.GetTrialsAsync(sweepId, [trialIds[2], trialIds[0], trialIds[2], otherIds[0], "nobody"]);
        Assert.Equal([trialIds[0], trialIds[2]], rows.Select(r => r.TrialId));
        Assert.Equal(TrialStatus.Pending, rows[0].Status);
        Assert.Equal((TrialStatus.Running, 1, silo), (rows[1].Status, rows[1].Attempts, rows[1].Silo));
        Assert.Equal(StoreWireText(await Store.GetTrialAsync(trialIds[2])), StoreWireText(rows[1]));

        Assert.True(await Store.EndAttemptAsync(trialIds[2], attempt, TrialStatus.Completed, null));
        Assert.Equal(TrialStatus.Completed, (await Store.GetTrialsAsync(sweepId, [trialIds[2]])).Single().Status);
        Assert.Empty(await Store.GetTrialsAsync(sweepId, []));
        Assert.Empty(await Store.GetTrialsAsync(otherSweep, [trialIds[0]]));
    }

    [Fact]
    public async Task Count_trials_by_status_counts_every_sweep_in_one_read()
    {
        var (busy, busyIds) = await NewSweepAsync(trials: 3, name: "busy");
        var (idle, _) = await NewSweepAsync(trials: 2, name: "idle");
        var silo = await NewSiloAsync(slots: 2);
        var attempt = (await Store.BeginAttemptAsync(busyIds[0], silo, TimeSpan.FromMinutes(1)))!.Value;
        Assert.True(await Store.EndAttemptAsync(busyIds[0], attempt, TrialStatus.Completed, null));
        await Store.BeginAttemptAsync(busyIds[1], silo, TimeSpan.FromMinutes(1));

        var counts = await Store.CountTrialsByStatusAsync();

        Assert.Equal(new Dictionary<TrialStatus, int> { [TrialStatus.Completed] = 1, [TrialStatus.Running] = 1, [TrialStatus.Pending] = 1 },
            counts[busy]);
        Assert.Equal(new Dictionary<TrialStatus, int> { [TrialStatus.Pending] = 2 }, counts[idle]);
        Assert.Equal(2, counts.Count);
    }

    /// <summary>A row's fields as text: Hyperparameters hold an ImmutableArray, which compares by reference.</summary>
    static string StoreWireText(TrialRecord? row) =>
        row is null ? "" : $"{row with { Parameters = null! }} {System.Text.Json.JsonSerializer.Serialize(row.Parameters)}";
}
