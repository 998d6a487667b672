using System.Text.Json;
using AeGrid.Abstractions;
using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests.Behaviours;

/// <summary>A sweep's report says what faults cost: a trial whose first attempts failed shows them, the others one each.</summary>
[Collection(LocalSiloCollection.Name)]
public sealed class SweepReportOfFaultsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_report_counts_the_attempts_a_failing_trial_took()
    {
        using var folder = new TemporaryFolder();
        var store = LocalSilo.NewSqliteStore(folder);
        FaultInjectingTrialStore? faulty = null;
        string id;
        await using (var silo = await LocalSilo.StartAsync(store, slots: 1,
                         configureServices: s => s.DecorateTrialStore(inner => faulty = new FaultInjectingTrialStore(inner))))
        {
            // The middle trial's first two attempts fail as they start (its checkpoint cannot be read); the third runs.
            var failuresLeft = 2;
            faulty!.FailCheckpointLoadsOf = trialId => trialId.EndsWith("-t0001", StringComparison.Ordinal) && Interlocked.Decrement(ref failuresLeft) >= 0;
            id = await silo.Directory.Submit(SweepFiles.Tiny("faults", """
                architecture: linear
                epochs: 2
                max_attempts: 3
                search: grid
                space:
                  lr: [0.01, 0.005, 0.002]
                """), "faults.yaml");
            var final = await silo.WaitForSweepAsync(id, TimeSpan.FromMinutes(1));
            Assert.All(final.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        }

        var report = await AegridCli.RunAsync("report", id, "--store", store, "--out", Path.Combine(folder.Path, "report"), "--json");
        output.WriteLine(report.ToString());
        Assert.True(report.ExitCode == 0, report.ToString());
        var trials = JsonDocument.Parse(report.Stdout).RootElement.GetProperty("trials").EnumerateArray()
            .ToDictionary(t => t.GetProperty("trial_id").GetString()!, t => t.GetProperty("attempts").GetInt32());
        Assert.Equal(new Dictionary<string, int>
        {
            [TrialConfig.MakeId(id, 0)] = 1, [TrialConfig.MakeId(id, 1)] = 3, [TrialConfig.MakeId(id, 2)] = 1,
        }, trials);
        Assert.Contains("1 trial(s) were retried after a failure or a lost silo", File.ReadAllText(Path.Combine(folder.Path, "report", "report.html")));
    }
}
