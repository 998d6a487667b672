using System.Collections.Immutable;
using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Grains.Placement;
using AeGrid.Grains.Pruners;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AeGrid.Grains.Sweeps;

/// <summary>The sweep's read side: status, the leaderboard, and the epochs they need.</summary>
public sealed partial class SweepGrain
{
    public async Task<SweepStatusReport> GetStatus()
    {
        if (!_options.Trains)
        {
            // Read-only session: the process training the sweep reports to its own grain, not to this one; only the store
            // tells us what changed (a `sweep watch` here polls until the sweep ends).
            _sweep = await store.GetSweepAsync(SweepId) ?? _sweep;
            await LoadBudgetAsync(CancellationToken.None);
            await _model.RefreshAllAsync(CancellationToken.None);
            await _model.LoadMissingEpochsAsync(CancellationToken.None);
        }
        else if (_sweep.State != SweepState.Running) await _model.RefreshAllAsync(CancellationToken.None);
        else await _model.RefreshChangedAsync(CancellationToken.None);
        var lineage = await LineageAsync();
        var trials = _trials.Values.OrderBy(v => v.Record.Number).Select(v => new TrialSummary
        {
            TrialId = v.Record.TrialId,
            Number = v.Record.Number,
            Status = v.Record.Status,
            Parameters = v.Record.Parameters,
            EpochsCompleted = EpochsCompleted(v),
            Attempts = v.Record.Attempts,
            Silo = v.Record.Silo,
            LastEpoch = v.Epochs.Count > 0 ? v.Epochs[^1] : null,
            Error = v.Record.Error,
            Kept = v.Record.Kept,
            Live = v.Record.Status == TrialStatus.Running ? v.Live : null,
            Exploits = lineage[v.Record.TrialId].ToImmutableArray(),
        }).ToImmutableArray();
        return new SweepStatusReport(Summary() with { EpochsRedone = await store.CountRedoneEpochsAsync(SweepId) }, trials);
    }

    /// <summary>
    /// A running trial's epochs as its reports arrive: the store view is refreshed only when something changes state,
    /// so between refreshes it would show the epoch count the trial had when it started.
    /// </summary>
    static int EpochsCompleted(TrialView v) =>
        v.Record.Status == TrialStatus.Running && v.Epochs.Count > 0
            ? Math.Max(v.Record.EpochsCompleted, v.Epochs[^1].Epoch)
            : v.Record.EpochsCompleted;

    SweepSummary Summary() => new()
    {
        Id = _sweep.Id,
        Name = _sweep.Name,
        State = _sweep.State,
        Metric = _sweep.Metric,
        Maximize = _sweep.Maximize,
        TrialsByStatus = _trials.Values.GroupBy(v => v.Record.Status).ToImmutableDictionary(g => g.Key, g => g.Count()),
        CreatedAt = _sweep.CreatedAt,
        FinishedAt = _sweep.FinishedAt,
        TrialsToPropose = TrialsToPropose,
        ForkedFrom = _sweep.ForkedFrom,
    };

    public async Task<ImmutableArray<LeaderboardEntry>> GetLeaderboard(int top, string? metric)
    {
        await _model.RefreshAllAsync(CancellationToken.None);
        await _model.LoadMissingEpochsAsync(CancellationToken.None);
        return Leaderboard.Rank(_trials.Values.Select(v => (v.Record, (IReadOnlyList<EpochReport>)v.Epochs)),
            metric ?? _sweep.Metric, metric is null ? _sweep.Maximize : Leaderboard.DefaultMaximize(metric), top);
    }
}
