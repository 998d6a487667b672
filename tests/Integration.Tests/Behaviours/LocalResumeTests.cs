using System.Diagnostics;
using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.Integration.Tests.Support;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>
/// An interrupted `aegrid run`: the process is killed mid-training; a new local silo on the same SQLite file
/// starts the sweep again. The running trial continues from its last checkpoint; completed trials are not re-run.
/// </summary>
[Collection(LocalSiloCollection.Name)]
public sealed class LocalResumeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_sweep_whose_aegrid_run_was_killed_resumes_on_a_new_local_silo_from_its_last_checkpoints()
    {
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        // One slot: a short trial completes, a long one is interrupted mid-way, a third has not started.
        const int longEpochs = 60;
        var spec = SweepFiles.Tiny("resume", $"""
            architecture: linear
            lr: 0.01
            search: grid
            space:
              epochs: [2, {longEpochs}, 3]
            """, limit: 300);

        string id;
        IReadOnlyList<EpochReport> completedBefore, interruptedBefore;
        // The real CLI in its own process, killed (SIGKILL) once the long trial is a few epochs in: nothing of it runs
        // on, as when a laptop's terminal is closed. Progress is read from the SQLite file it writes.
        var specFile = SweepFiles.Write(folder.Path, "resume", spec);
        await using (var run = AegridProcess.Start("aegrid run", ["run", specFile, "--store", store, "--slots", "1", "--threads", "1"]))
        await using (var reader = new SqliteTrialStore(store))
        {
            await run.WaitForOutputAsync("started", TimeSpan.FromMinutes(1));
            id = (await reader.ListSweepsAsync()).Single().Id;
            await Eventually.HoldsAsync(async () => (await reader.GetEpochsAsync(TrialConfig.MakeId(id, 1))).Count >= 3, TimeSpan.FromMinutes(1),
                () => $"trial 1 of {id} never reached epoch 3\n{run.Stderr}");
            run.KillHard();
            await run.WaitForExitAsync(TimeSpan.FromSeconds(10));

            completedBefore = await reader.GetEpochsAsync(TrialConfig.MakeId(id, 0));
            interruptedBefore = await reader.GetEpochsAsync(TrialConfig.MakeId(id, 1));
            var trial = (await reader.GetTrialAsync(TrialConfig.MakeId(id, 1)))!;
            output.WriteLine($"killed: {trial.TrialId} {trial.Status.ToWire()} after {interruptedBefore.Count} epochs");
            Assert.Equal(TrialStatus.Running, trial.Status); // no hand-off: it died holding the trial
            Assert.Equal(TrialStatus.Completed, (await reader.GetTrialAsync(TrialConfig.MakeId(id, 0)))!.Status);
            Assert.InRange(interruptedBefore.Count, 3, longEpochs - 1);
        }

        await using var second = await LocalSilo.StartAsync(store, slots: 1);
        var clock = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        await second.Sweep(id).Start();
        var final = await second.WaitForSweepAsync(id, TimeSpan.FromMinutes(2));
        output.WriteLine($"resumed sweep finished {clock.Elapsed.TotalSeconds:0.0} s after Start");
        foreach (var t in final.Trials)
            output.WriteLine($"{t.TrialId}: {t.Status.ToWire()}, {t.Attempts} attempt(s), {t.EpochsCompleted} epochs");

        Assert.Equal(SweepState.Completed, final.Sweep.State);
        Assert.All(final.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal([1, 2, 1], final.Trials.Select(t => t.Attempts));
        // The killed run's silo is simply absent here (each local process is its own cluster): its trial is taken back at
        // once, not after the grace a cluster gives a silo it has not seen join yet.
        var resumedAfter = (await second.Store.GetAttemptsAsync(final.Trials[1].TrialId))[1].StartedAt - startedAt;
        output.WriteLine($"the interrupted trial started again {resumedAfter.TotalSeconds:0.0} s after Start");
        Assert.True(resumedAfter < TimeSpan.FromSeconds(10), $"the interrupted trial started again only after {resumedAfter.TotalSeconds:0.0} s");
        Assert.Equal(Rows(completedBefore), Rows(await second.Store.GetEpochsAsync(final.Trials[0].TrialId)));

        // The interrupted trial: every epoch once; those up to its last checkpoint are still the first attempt's rows
        // (it resumed from there, not from scratch), the rest are the second attempt's.
        var resumed = await second.Store.GetEpochsAsync(final.Trials[1].TrialId);
        Assert.Equal(Enumerable.Range(1, longEpochs), resumed.Select(e => e.Epoch));
        var kept = resumed.TakeWhile(e => e.Attempt == 1).ToList();
        output.WriteLine($"resumed after epoch {kept.Count}");
        Assert.NotEmpty(kept);
        Assert.Equal(Rows(interruptedBefore.Take(kept.Count)), Rows(kept));
        Assert.All(resumed.Skip(kept.Count), e => Assert.Equal(2, e.Attempt));
    }

    static List<string> Rows(IEnumerable<EpochReport> epochs) =>
        epochs.Select(e => $"{e.TrialId} {e.Epoch} {e.Attempt} {e.TestMse:R} {e.WallSeconds:R}").ToList();
}
