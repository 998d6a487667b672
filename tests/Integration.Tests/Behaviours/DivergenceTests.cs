using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>A trial whose loss blows up ends diverged: its own final state, with the message, never retried or ranked.</summary>
[Collection(LocalSiloCollection.Name)]
public sealed class DivergenceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_trial_with_an_absurd_learning_rate_ends_diverged_with_its_message_and_is_not_retried()
    {
        await using var silo = await LocalSilo.StartOnTemporaryStoreAsync(slots: 1);
        // cluster-mlp's output layer is linear, so plain SGD with an absurd step overflows within a couple of batches.
        var spec = SweepFiles.Tiny("diverge", """
            architecture: cluster-mlp
            optimizer: sgd
            epochs: 2
            max_attempts: 3
            search: grid
            space:
              lr: [0.01, 1.0e30]
            """);

        var id = await silo.Directory.Submit(spec, "diverge.yaml");
        var final = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
        foreach (var t in final.Trials)
            output.WriteLine($"{t.TrialId}: {t.Status.ToWire()}, {t.Attempts} attempt(s), {t.EpochsCompleted} epochs, error: {t.Error}");

        Assert.Equal(SweepState.Completed, final.Sweep.State);
        Assert.Equal((TrialStatus.Completed, 1), (final.Trials[0].Status, final.Trials[0].Attempts));
        var diverged = final.Trials[1];
        Assert.Equal((TrialStatus.Diverged, 1, 0), (diverged.Status, diverged.Attempts, diverged.EpochsCompleted));
        Assert.StartsWith("training loss became", diverged.Error);
        Assert.Contains("lr 1E+30", diverged.Error);
        Assert.Equal(["diverged"], (await silo.Store.GetAttemptsAsync(diverged.TrialId)).Select(a => a.Outcome));

        Assert.Equal([final.Trials[0].TrialId], (await silo.Sweep(id).GetLeaderboard(10, null)).Select(e => e.TrialId));
        Assert.Equal(0, await silo.Sweep(id).RetryFailed()); // diverging is not failing: retrying would diverge again
    }
}
