using AeGrid.Grains.Store;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests;

/// <summary>
/// `fuse: K` on real `aegrid silo` processes sharing a real PostgreSQL: a silo is killed with SIGKILL while it trains a
/// fused pack. Every member is recovered on its own (its own attempt, lease and checkpoint), resumes from its own
/// checkpoint in a new pack on the surviving silo, and completes with each epoch stored once.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class FusedPackKillTests(PostgresServer server, ITestOutputHelper output)
{
    const int Epochs = 150;
    const int Trials = 6;

    [Fact]
    public async Task A_silo_killed_while_it_trains_a_pack_loses_no_member_and_each_resumes_from_its_own_checkpoint()
    {
        // The sweep's grain lives on the first silo (the only one at submit), which is never killed. It has one slot: it takes
        // the first pack, and the second waits for the second silo, which dies while it trains it.
        await using var grid = await OutageGrid.StartAsync(server, output, "fused_kill", silos: 1, fastFailureDetection: true, slots: 1);
        var sweepId = await grid.SubmitSpecAsync("fused-kill", SweepFiles.Tiny("fused-kill", $"""
            architecture: linear
            epochs: {Epochs}
            search: grid
            fuse: 3
            space:
              lr: [0.003, 0.002, 0.001, 0.0008, 0.0005, 0.0003]
            """, limit: 300));
        grid.AddSilos(1, slots: 1);
        await grid.WaitUntilRunningAsync();

        var victim = await SiloTrainingAPackAsync(grid, TimeSpan.FromMinutes(3));
        var victimAddress = await grid.SiloAddressOfAsync(victim);
        var members = await StoreQueries.QueryAsync(grid.Database,
            $"SELECT trial_id FROM trial_attempts WHERE silo = '{victimAddress}' AND ended_at IS NULL", r => r.GetString(0));
        victim.KillHard();
        var killedAt = DateTime.UtcNow;
        grid.Log($"SIGKILL {victim.Name} while it trains a pack of {members.Count}: {string.Join(", ", members)}");
        Assert.True(members.Count > 1, "the killed silo was not training a pack");
        // What each member left behind (the resumed attempts replace it only after their first epoch): the epoch of its
        // stored checkpoint, none (0) if it had none yet.
        var checkpointAtKill = new Dictionary<string, int>();
        foreach (var trial in members)
            checkpointAtKill[trial] = (await StoreQueries.QueryAsync(grid.Database,
                $"SELECT coalesce(max(epoch), 0) FROM checkpoints WHERE trial_id = '{trial}' AND batch = 0", r => r.GetInt32(0))).Single();
        grid.Log($"checkpoints at the kill: {string.Join(", ", checkpointAtKill.Select(c => $"{c.Key} epoch {c.Value}"))}");

        var watch = await grid.WatchAsync(sweepId, TimeSpan.FromMinutes(4));
        grid.Log($"sweep watch exited {watch.ExitCode}");
        Assert.True(watch.ExitCode == 0, watch.Stderr + watch.Stdout);
        await grid.AssertEveryTrialCompletedOnceAsync(Trials, Epochs);

        // Each member of the killed pack was recovered on its own and resumed from its own checkpoint, not from scratch. Members
        // whose checkpoints stand at one epoch train fused again; the kill may land between two members' checkpoint writes,
        // and then they resume at different epochs, which cannot share a step (logged, not asserted).
        foreach (var trial in members)
        {
            var attempts = await StoreQueries.QueryAsync(grid.Database,
                $"SELECT attempt, coalesce(outcome, 'open'), coalesce(pack, 'alone') FROM trial_attempts WHERE trial_id = '{trial}' ORDER BY attempt",
                r => (Attempt: r.GetInt32(0), Outcome: r.GetString(1), Pack: r.GetString(2)));
            grid.Log($"{trial}: {string.Join(", ", attempts.Select(a => $"#{a.Attempt} {a.Outcome} in {a.Pack}"))}");
            Assert.True(attempts.Count >= 2, $"{trial} was never recovered");
            Assert.True(AttemptOutcomes.IsFencedOut(attempts[0].Outcome), $"{trial}: its first attempt ended {attempts[0].Outcome}");
        }
        var resumedAt = new List<DateTime>();
        foreach (var trial in members) resumedAt.Add(await grid.ResumedAfterAsync(trial, 1));
        grid.Log($"members resumed {string.Join(", ", resumedAt.Select(at => $"{(at.ToUniversalTime() - killedAt).TotalSeconds:0.0} s"))} after the kill");
        var redone = await grid.RedoneEpochsAsync();
        grid.Log($"epochs redone after the kill: {redone} (of {members.Count} members x {Epochs} epochs)");
        output.WriteLine($"FUSED-KILL-TEST: {members.Count} members killed mid-pack, {redone} epochs redone");
        // Each member resumed exactly where its own checkpoint stood: its later attempts wrote epochs from the one after it.
        // Epoch rows are stored before the checkpoint that covers them, and only the newest checkpoint is stored, so the
        // epochs between that checkpoint and the kill are redone (how many depends on how far the checkpoint lagged).
        foreach (var trial in members)
        {
            var firstResumed = (await StoreQueries.QueryAsync(grid.Database,
                $"SELECT min(epoch) FROM epoch_metrics WHERE trial_id = '{trial}' AND attempt > 1", r => r.GetInt32(0))).Single();
            Assert.Equal(checkpointAtKill[trial] + 1, firstResumed);
        }
        Assert.True(checkpointAtKill.Values.Any(epoch => epoch > 0), "no member had a checkpoint when killed: the resume tested nothing");
    }

    /// <summary>The silo (not the first) with a fused pack open and at least five epochs into it (so it has checkpoints).</summary>
    static async Task<AegridProcess> SiloTrainingAPackAsync(OutageGrid grid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var busy = await StoreQueries.QueryAsync(grid.Database, """
                SELECT DISTINCT a.silo FROM trial_attempts a JOIN trials t ON t.id = a.trial_id
                WHERE a.ended_at IS NULL AND a.pack IS NOT NULL AND t.epochs_completed >= 5
                """, r => r.GetString(0));
            if (grid.Silos.Skip(1).FirstOrDefault(s => !s.HasExited && busy.Any(s.IsSilo)) is { } silo) return silo;
            await Task.Delay(100);
        }
        throw new TimeoutException("the second silo never trained a pack");
    }
}
