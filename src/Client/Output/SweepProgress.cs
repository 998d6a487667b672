using System.Globalization;
using AeGrid.Abstractions;
using AeGrid.Grains.Sweeps;
using AeGrid.Models.Training;

namespace AeGrid.Client.Output;

/// <summary>
/// What `sweep watch` says beside its bar: the best value of the sweep's metric so far, epochs done and still to do, and
/// the time left at the rate epochs have been finishing. Epochs left counts every pending or running trial to its last
/// epoch, so pruning can only make the sweep end sooner than said.
/// </summary>
internal sealed class SweepProgress
{
    (DateTimeOffset At, int Done)? _first;

    /// <summary>"best test_mse 0.031 · 14/40 epochs · about 3 min left"; parts that are not known yet are left out.</summary>
    public string Describe(SweepStatusReport status, DateTimeOffset now)
    {
        var parts = new List<string>();
        if (Best(status) is { } best) parts.Add($"best {status.Sweep.Metric} {Formats.Metric(best)}");
        var (done, left) = Epochs(status);
        parts.Add($"{done}/{done + left} epochs");
        if (Remaining(status, done, left, now) is { } remaining) parts.Add($"about {Duration(remaining)} left");
        return string.Join(" · ", parts);
    }

    /// <summary>The best last-epoch value among trials that are training or trained normally (not failed or diverged).</summary>
    public static double? Best(SweepStatusReport status)
    {
        var values = status.Trials
            .Where(t => t.Status is TrialStatus.Completed or TrialStatus.Running or TrialStatus.Pruned)
            .Select(t => t.LastEpoch?.Metric(status.Sweep.Metric))
            .OfType<double>().Where(double.IsFinite).ToList();
        if (values.Count == 0) return null;
        return status.Sweep.Maximize ? values.Max() : values.Min();
    }

    /// <summary>Epochs stored for all trials, and epochs the pending and running trials still have to train; a TPE sweep's
    /// trials not proposed yet count the average planned epochs of those proposed.</summary>
    public static (int Done, int Left) Epochs(SweepStatusReport status)
    {
        int done = status.Trials.Sum(t => t.EpochsCompleted);
        int left = status.Trials.Where(t => !t.Status.IsFinal()).Sum(t => Math.Max(0, Planned(t.Parameters) - t.EpochsCompleted));
        if (status.Sweep.TrialsToPropose > 0 && status.Trials.Length > 0)
            left += (int)Math.Round(status.Sweep.TrialsToPropose * status.Trials.Average(t => Planned(t.Parameters)));
        return (done, left);
    }

    /// <summary>
    /// Epochs left at the rate seen since this watch began; until an epoch finishes under it, the rate since the sweep was
    /// created (which undercounts the rate of a sweep that was interrupted and resumed).
    /// </summary>
    TimeSpan? Remaining(SweepStatusReport status, int done, int left, DateTimeOffset now)
    {
        _first ??= (now, done);
        if (left == 0) return null;
        var (since, baseline) = done > _first.Value.Done ? _first.Value : (status.Sweep.CreatedAt, 0);
        var seconds = (now - since).TotalSeconds;
        var finished = done - baseline;
        if (finished <= 0 || seconds <= 0) return null;
        return TimeSpan.FromSeconds(left * seconds / finished);
    }

    static int Planned(Hyperparameters parameters)
    {
        try
        {
            return parameters.WithDefaults().Epochs ?? 0;
        }
        catch (Exception e) when (e is InvalidHyperparameterException or ArgumentException)
        {
            return parameters.Epochs ?? 0; // an architecture this client does not know: what the sweep set, if anything
        }
    }

    static string Duration(TimeSpan t) => t.TotalSeconds < 90
        ? $"{Math.Max(1, (int)Math.Round(t.TotalSeconds))} s"
        : t.TotalMinutes < 90
            ? $"{(int)Math.Round(t.TotalMinutes)} min"
            : $"{t.TotalHours.ToString("0.0", CultureInfo.InvariantCulture)} h";
}
