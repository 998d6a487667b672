using AeGrid.Abstractions;
using Spectre.Console;

namespace AeGrid.Client.Output;

/// <summary>Human views of a sweep: the live progress while it runs, the status table and the leaderboard.</summary>
internal static class SweepDisplay
{
    static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Polls the sweep until it is no longer running. On a terminal: a bar for the sweep, with the best value so far,
    /// epochs done and the time left (<see cref="SweepProgress"/>), and a line per running trial with its last epoch's
    /// metric. Otherwise (logs, CI): one plain line on <paramref name="log"/> whenever the counts change. No console: silent.
    /// Returns the final status. Polling survives a lost connection: a watch can be stopped and started again at will.
    /// </summary>
    public static async Task<SweepStatusReport> WatchAsync(ISweepGrain sweep, IAnsiConsole? console, TextWriter log, CancellationToken ct)
    {
        if (console is null) return await PollUntilDoneAsync(sweep, _ => { }, log, ct);
        var progress = new SweepProgress();
        if (!console.Profile.Capabilities.Interactive)
        {
            string last = "";
            return await PollUntilDoneAsync(sweep, status =>
            {
                var line = CountsLine(status.Sweep);
                var where = progress.Describe(status, DateTimeOffset.UtcNow);
                if (line != last) log.WriteLine($"{DateTime.Now:HH:mm:ss} {status.Sweep.Id}: {line} ({where})");
                last = line;
            }, log, ct);
        }

        SweepStatusReport? final = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var sweepTask = ctx.AddTask("sweep", maxValue: 1);
                var trialTasks = new Dictionary<string, ProgressTask>();
                final = await PollUntilDoneAsync(sweep, status =>
                {
                    var s = status.Sweep;
                    int done = s.TrialsByStatus.Where(kv => kv.Key.IsFinal()).Sum(kv => kv.Value);
                    sweepTask.MaxValue = Math.Max(1, s.TotalTrials);
                    sweepTask.Value = done;
                    sweepTask.Description = Markup.Escape($"{s.Id}  {CountsLine(s)}  {progress.Describe(status, DateTimeOffset.UtcNow)}");
                    foreach (var t in status.Trials)
                    {
                        if (t.Status == TrialStatus.Running && t.Live is { } live)
                        {
                            if (!trialTasks.TryGetValue(t.TrialId, out var task))
                                trialTasks[t.TrialId] = task = ctx.AddTask(t.TrialId, maxValue: Math.Max(1, live.Epochs * live.BatchesPerEpoch));
                            task.Value = (live.Epoch - 1) * live.BatchesPerEpoch + live.Batch;
                            task.Description = Markup.Escape(
                                $"  {Short(t.TrialId)} {t.Parameters.Architecture} epoch {live.Epoch}/{live.Epochs} batch {live.Batch}/{live.BatchesPerEpoch} " +
                                $"loss {live.Loss:0.00000} {live.SamplesPerSecond:0} samples/s{LastEpochMetric(t, s.Metric)}");
                        }
                        else if (t.Status.IsFinal() && trialTasks.Remove(t.TrialId, out var finished))
                        {
                            finished.Description = Markup.Escape($"  {Short(t.TrialId)} {t.Parameters.Architecture} {t.Status.ToWire()}");
                            finished.Value = finished.MaxValue;
                            finished.StopTask();
                        }
                    }
                }, log, ct);
                sweepTask.StopTask();
            });
        return final!;
    }

    static async Task<SweepStatusReport> PollUntilDoneAsync(ISweepGrain sweep, Action<SweepStatusReport> show, TextWriter? log, CancellationToken ct)
    {
        var failures = 0;
        while (true)
        {
            SweepStatusReport status;
            try
            {
                status = await sweep.GetStatus();
                failures = 0;
            }
            catch (Exception e) when (e is not (AeGridRequestException or OperationCanceledException) && ++failures < 60)
            {
                // A silo restarting, the gateway moving, the database coming back: keep watching a long sweep
                // rather than give up on it; a lasting failure still ends the watch after a minute.
                if (failures == 1) log?.WriteLine($"lost contact with the grid ({e.GetType().Name}: {e.Message}); retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                continue;
            }
            show(status);
            if (status.Sweep.State != SweepState.Running) return status;
            await Task.Delay(PollEvery, ct);
        }
    }

    /// <summary>", test_mse 0.0312 after epoch 3": where a running trial stood at its last finished epoch.</summary>
    static string LastEpochMetric(TrialSummary t, string metric) =>
        t.LastEpoch?.Metric(metric) is { } value ? $", {metric} {Formats.Metric(value)} after epoch {t.LastEpoch.Epoch}" : "";

    static string Short(string trialId) => trialId[(trialId.LastIndexOf("-t", StringComparison.Ordinal) + 1)..];

    public static string CountsLine(SweepSummary s) =>
        string.Join(", ", Enum.GetValues<TrialStatus>().Where(st => s.TrialsByStatus.GetValueOrDefault(st) > 0)
            .Select(st => $"{s.TrialsByStatus[st]} {st.ToWire()}")
            .Concat(s.TrialsToPropose > 0 ? [$"{s.TrialsToPropose} to propose"] : [])) + $" of {s.TotalTrials}"
        + (s.EpochsRedone > 0 ? $"; {s.EpochsRedone} epoch(s) redone after failures" : "");

    /// <param name="verbose">Every hyperparameter; otherwise only those that differ between the sweep's trials.</param>
    public static void ShowStatus(IAnsiConsole console, SweepStatusReport status, bool verbose = false)
    {
        var s = status.Sweep;
        console.MarkupLine($"[bold]{Markup.Escape(s.Id)}[/] ({Markup.Escape(s.Name)}): {s.State.ToString().ToLowerInvariant()}, {Markup.Escape(CountsLine(s))}");
        if (s.ForkedFrom is { } origin) console.MarkupLine($"forked from {Markup.Escape(origin.ToString())}: its trials started from that trial's weights");
        var columns = HyperparameterColumns.For(status.Trials.Select(t => t.Parameters), verbose);
        var table = new Table().AddColumns("trial", "status", "architecture", "hyperparameters", "epochs", "attempts", s.Metric, "kept");
        foreach (var t in status.Trials)
        {
            var value = t.LastEpoch?.Metric(s.Metric);
            table.AddRow(Short(t.TrialId), t.Status.ToWire(), t.Parameters.Architecture, Markup.Escape(columns.Describe(t.Parameters)),
                t.EpochsCompleted.ToString(), t.Attempts.ToString(), value is { } v ? v.ToString("0.000000") : "",
                t.Kept ? "yes" : "");
        }
        console.Write(table);
        if (status.Trials.Any(t => !t.Exploits.IsEmpty))
        {
            console.MarkupLine("[bold]lineage[/] (pbt exploits: trial ← donor @ epoch: hyperparameters changed)");
            foreach (var (trial, exploit) in status.Trials.SelectMany(t => t.Exploits.Select(e => (t.TrialId, e))).OrderBy(x => x.e.Epoch).ThenBy(x => x.TrialId))
                console.WriteLine("  " + LineageFormat.Line(trial, exploit));
        }
        foreach (var t in status.Trials.Where(t => t.Error is not null && t.Status is TrialStatus.Failed or TrialStatus.Diverged))
            console.MarkupLine($"[red]{Markup.Escape(Short(t.TrialId))}[/]: {Markup.Escape(t.Error!)}");
    }

    /// <param name="sweepTrials">Every trial of the sweep: a hyperparameter gets shown when it differs between them.</param>
    /// <param name="verbose">Every hyperparameter, varying or not.</param>
    public static void ShowLeaderboard(IAnsiConsole console, IReadOnlyList<LeaderboardEntry> entries, string metric,
        IEnumerable<Hyperparameters> sweepTrials, bool verbose = false)
    {
        if (entries.Count == 0)
        {
            console.MarkupLine("[yellow]no completed trial has a value for[/] " + Markup.Escape(metric));
            return;
        }
        var columns = HyperparameterColumns.For(sweepTrials, verbose);
        var table = new Table().Title("leaderboard").AddColumns("rank", "trial", "architecture", "hyperparameters", metric, "kept");
        foreach (var e in entries)
            table.AddRow(e.Rank.ToString(), e.TrialId, e.Parameters.Architecture, Markup.Escape(columns.Describe(e.Parameters)),
                e.Value.ToString("0.000000"), e.Kept ? "yes" : "");
        console.Write(table);
    }
}
