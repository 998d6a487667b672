using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Integration.Tests.Support;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// A `search: pbt` sweep on a real local silo and SQLite store: it completes, every trial has exactly one row per epoch,
/// and the stored lineage is consistent with the attempts and snapshots (see <see cref="PbtLineage"/>).
/// </summary>
public sealed class PbtSweepTests(ITestOutputHelper output)
{
    public const int Population = 4, Epochs = 6;

    /// <summary>A population of linear (or <paramref name="architecture"/>) autoencoders exploiting every 2 epochs, half the
    /// population on each side, so exploits happen in a few seconds of training.</summary>
    public static string Spec(string name, string architecture = "linear", int limit = 200) => SweepFiles.Tiny(name, $"""
        architecture: {architecture}
        epochs: {Epochs}
        search: pbt
        trials: {Population}
        pbt: {"{"}perturbation_interval: 2, quantile: 0.5, resample_probability: 0.25{"}"}
        space:
          lr: {"{"}loguniform: [0.00003, 0.05]{"}"}
          noise_factor: {"{"}uniform: [0.0, 0.5]{"}"}
        """, limit);

    [Fact]
    public async Task A_pbt_sweep_completes_with_one_row_per_epoch_and_a_consistent_lineage()
    {
        // Half the population at a time: a member is ranked among those that reported its epoch before it (asynchronous pbt),
        // so with all four reporting at once the worst could report first at every decision epoch and no exploit happen (it
        // did, once in a full run); the second half is always ranked against the first half's stored scores.
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: Population / 2);
        var id = await silo.Directory.Submit(Spec("pbt-local"), "pbt-local.yaml");

        var status = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(3));

        Assert.Equal(SweepState.Completed, status.Sweep.State);
        Assert.All(status.Trials, t => Assert.Equal((TrialStatus.Completed, Epochs), (t.Status, t.EpochsCompleted)));
        foreach (var e in new[] { 2, 4 }) output.WriteLine($"snapshots at {e}: {string.Join(", ", await silo.Store.GetSnapshotHoldersAsync(id, e))}");
        foreach (var t in status.Trials) output.WriteLine($"{t.TrialId}: lr {t.Parameters.LearningRate} attempts {t.Attempts} last {t.LastEpoch?.TestMse}");
        var lineage = await PbtLineage.CheckAsync(silo.Store, id, Epochs);
        output.WriteLine(lineage.Describe());
        Assert.True(lineage.Exploits.Count > 0, "no exploit happened: the test tested nothing");
        Assert.Equal(lineage.Exploits.Count, status.Trials.Sum(t => t.Exploits.Length));
    }
}

/// <summary>What every pbt sweep's stored lineage must satisfy, checked through the store.</summary>
public sealed record PbtLineage(IReadOnlyList<ExploitRecord> Exploits, int ExploitedAttempts, int SiloDeaths, int Redone)
{
    public static async Task<PbtLineage> CheckAsync(ITrialStore store, string sweepId, int epochs)
    {
        var exploits = await store.GetExploitsAsync(sweepId);
        int exploited = 0, siloDeaths = 0;
        foreach (var trial in await store.GetTrialsAsync(sweepId))
        {
            // Exactly one row per epoch, 1..epochs, across every fork of the trial.
            var rows = await store.GetEpochsAsync(trial.TrialId);
            Assert.Equal(Enumerable.Range(1, epochs), rows.Select(r => r.Epoch));
            var attempts = await store.GetAttemptsAsync(trial.TrialId);
            exploited += attempts.Count(a => a.Outcome == AttemptOutcomes.Exploited);
            siloDeaths += attempts.Count(a => a.Outcome == AttemptOutcomes.SiloDead);
            foreach (var exploit in exploits.Where(e => e.TrialId == trial.TrialId))
            {
                // The donor had a snapshot at the exploit epoch (never a trial without one), and not itself.
                Assert.NotEqual(exploit.TrialId, exploit.DonorId);
                Assert.NotNull(await store.LoadSnapshotAsync(exploit.DonorId, exploit.Epoch));
                // The recipient's epochs continue from the exploit epoch, trained by a later attempt than the exploited one.
                var at = rows.Single(r => r.Epoch == exploit.Epoch);
                var next = rows.Single(r => r.Epoch == exploit.Epoch + 1);
                Assert.True(next.Attempt > at.Attempt, $"{trial.TrialId}: epoch {exploit.Epoch + 1} by attempt {next.Attempt}, not after the exploited attempt {at.Attempt}");
                Assert.Contains(attempts, a => a.Attempt >= at.Attempt && a.Outcome == AttemptOutcomes.Exploited);
            }
        }
        // One exploited attempt per exploit: none lost, none applied twice.
        Assert.Equal(exploits.Count, exploited);
        Assert.Equal(exploits.Count, exploits.Select(e => (e.TrialId, e.Epoch)).Distinct().Count());
        return new PbtLineage(exploits, exploited, siloDeaths, await store.CountRedoneEpochsAsync(sweepId));
    }

    public string Describe() =>
        $"PBT: {Exploits.Count} exploits ({string.Join("; ", Exploits.Select(e => $"{e.TrialId[^5..]} <- {e.DonorId[^5..]} @ {e.Epoch}: lr {e.OldParameters.LearningRate:G3} -> {e.NewParameters.LearningRate:G3}"))}), " +
        $"{SiloDeaths} attempts ended by a silo death, {Redone} epochs redone";
}
