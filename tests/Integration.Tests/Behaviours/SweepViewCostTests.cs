using System.Globalization;
using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// The sweep grain keeps its view of the trials from what it learns, re-reading only the trials that changed: what it
/// reads per admission stays with the slots, not with the trials already finished (before, every admission re-read all).
/// </summary>
[Collection(LocalSiloCollection.Name)]
public sealed class SweepViewCostTests(ITestOutputHelper output)
{
    const int Trials = 200;
    const int Slots = 4;

    [Fact]
    public async Task A_sweep_of_200_tiny_trials_reads_a_bounded_number_of_trial_rows_per_admission()
    {
        FaultInjectingTrialStore? counting = null;
        // No periodic full reconcile during the test: what is counted is the incremental path alone.
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: Slots,
            configureServices: s => s.DecorateTrialStore(inner => counting = new FaultInjectingTrialStore(inner)),
            training: o => { o.SweepReconcileInterval = TimeSpan.FromHours(1); return o; });
        var rates = string.Join(", ", Enumerable.Range(1, Trials).Select(i => (i * 0.0001).ToString(CultureInfo.InvariantCulture)));
        var id = await silo.Directory.Submit(SweepFiles.Tiny("view-cost", $"""
            architecture: linear
            epochs: 1
            search: grid
            keep_best: 1
            space:
              lr: [{rates}]
            """, limit: 50), "view-cost.yaml");

        var final = await silo.WaitForSweepAsync(id, TimeSpan.FromSeconds(90));

        Assert.Equal(Trials, final.Trials.Count(t => t.Status == TrialStatus.Completed));
        var perTrial = (double)counting!.TrialRowsRead / Trials;
        output.WriteLine($"{counting.TrialRowsRead} trial rows read for {Trials} trials: {perTrial:F1} per trial");
        // Full reads: activation, the sweep's end (twice) and the last status: 4 rows a trial. Each admission then reads
        // the trials admitted, finished or still running: a few slots' worth (8.5 a trial when written). Re-reading every row
        // at every tick, as before, came to 211 rows a trial here: the sweep's size.
        Assert.True(perTrial <= 4 + 4 * Slots, $"{perTrial:F1} trial rows read per trial");
    }
}
