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

/// <summary>
/// Drives one sweep. The store is the source of truth (trial rows, attempts); this grain keeps a view of it, admits
/// pending trials only while the slot ledger shows free slots on live silos, asks the pruner after each epoch, re-admits
/// trials whose silo died or which were handed off, and when every trial is final keeps the best models.
/// A scheduler timer drives it while active; a durable reminder re-activates it after the whole cluster restarted.
/// </summary>
// Placed on the silo of its first caller (a trial reporting, a client's gateway, the reminder's silo): a live silo, never
// one that hangs while still a member, where a random placement could leave the sweep stalled until that silo is declared dead.
[Orleans.Placement.PreferLocalPlacement]
public sealed partial class SweepGrain(
    ITrialStore store,
    IClusterMembershipService membership,
    ModelKeeper modelKeeper,
    IOptions<TrainingSiloOptions> siloOptions,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    const string ReminderName = "sweep-alive";

    readonly TrainingSiloOptions _options = siloOptions.Value;
    SweepRecord _sweep = null!;
    SweepSpec _spec = null!;
    IPruner _pruner = null!;
    /// <summary>The exploit decision of a `search: pbt` sweep; null for other searches.</summary>
    PbtScheduler? _pbt;
    /// <summary>The trial views, kept current from reports and targeted store reads (the read model).</summary>
    SweepReadModel _model = null!;
    SweepTrialViews _trials => _model.Trials;
    /// <summary>Trials whose owner is gone (dead or absent silo, lease run out): the scheduler's recovery step.</summary>
    LostTrialRecovery _recovery = null!;
    IGrainTimer? _scheduler;
    /// <summary>Set once the sweep decided how it ends; a finish that failed halfway (store down) is retried by the scheduler
    /// with the same decision, so a cancelled sweep never ends up completed.</summary>
    SweepState? _ending;

    string SweepId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var sweep = await store.GetSweepAsync(SweepId, cancellationToken)
                    ?? throw new AeGridRequestException($"unknown sweep {SweepId}");
        _sweep = sweep;
        _model = new SweepReadModel(store, SweepId, _options.SweepReconcileInterval);
        _recovery = new LostTrialRecovery(store, membership, _options);
        _spec = SweepSpecParser.Parse(sweep.SpecText, sweep.Name);
        _pruner = PrunerFactory.Create(_spec);
        _pbt = _spec.Pbt is null ? null : new PbtScheduler(_spec);
        await LoadBudgetAsync(cancellationToken);
        await _model.RefreshAllAsync(cancellationToken);
        foreach (var view in _trials.Values.Where(v => v.Record.EpochsCompleted > 0))
            view.ReplaceEpochs(await store.GetEpochsAsync(view.Record.TrialId, cancellationToken));
        if (_sweep.State == SweepState.Running) StartScheduler();
    }

    public async Task Start()
    {
        await this.RegisterOrUpdateReminder(ReminderName, _options.SweepReminderPeriod, _options.SweepReminderPeriod);
        if (_sweep.State == SweepState.Running) StartScheduler();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation already loaded the sweep and started the scheduler; a finished sweep drops its reminder.
        return _sweep.State == SweepState.Running ? Task.CompletedTask : DropReminderAsync();
    }

    void StartScheduler()
    {
        // A silo that does not train is a CLI's read-only session on a local store: in local mode each process is its own
        // cluster, so the `aegrid run` training this sweep has its own sweep grain. A second driver here would take that
        // run's trials for lost (its silo is not in this cluster) and start them again.
        if (!_options.Trains) return;
        _scheduler ??= this.RegisterGrainTimer(ScheduleAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero, Period = _options.SchedulerInterval, Interleave = false, KeepAlive = true,
        });
    }

    void StopScheduler()
    {
        _scheduler?.Dispose();
        _scheduler = null;
    }

    async Task ScheduleAsync(CancellationToken ct)
    {
        if (_sweep.State != SweepState.Running) return;
        if (_ending is { } ending)
        {
            await FinishAsync(ending);
            return;
        }
        await _model.RefreshChangedAsync(ct);
        await RecoverTrialsOfLostSilosAsync(ct);
        await ExpireLeasesAsync(ct);
        await AdmitAsync(ct);
        if (_trials.AllFinal && TrialsToPropose == 0) await FinishAsync(SweepState.Completed);
    }

    async Task ExpireLeasesAsync(CancellationToken ct)
    {
        var requeued = await _recovery.ExpireLeasesAsync(SweepId, _trials, ct);
        if (requeued.Count == 0) return;
        LogLeasesExpired(SweepId, requeued.Count, string.Join(", ", requeued));
        _model.MarkChanged(requeued);
        await _model.RefreshChangedAsync(ct);
    }

    async Task RecoverTrialsOfLostSilosAsync(CancellationToken ct)
    {
        var recovered = await _recovery.RecoverTrialsOfLostSilosAsync(_trials, ct);
        foreach (var (silo, requeued) in recovered)
        {
            if (requeued.Count > 0) LogRecovered(SweepId, requeued.Count, silo);
            _model.MarkChanged(requeued); // ids of other sweeps' trials are skipped by the read
        }
        if (recovered.Count > 0) await _model.RefreshChangedAsync(ct);
    }

    async Task AdmitAsync(CancellationToken ct)
    {
        if (_trials.PendingCount == 0 && TrialsToPropose == 0) return;
        int free = await FreeSlotsAsync(ct);
        if (free <= 0) return;
        if (free * Fuse > _trials.PendingCount && TrialsToPropose > 0)
        {
            // Just enough for the free slots (packs), each proposal seeing the latest results: never a batch that waits for others.
            await ProposeAsync(free * Fuse - _trials.PendingCount, ct);
        }

        RequestContext.Set(TrainingSlotPlacement.DeviceKindKey, _spec.Device.ToWire());
        var groups = FusionGrouping.Group(_trials.Pending, Fuse, free);
        var admitted = groups.SelectMany(g => g).ToList();
        var packs = FusionGrouping.Assign(groups, SweepId);
        await Task.WhenAll(admitted.Select(async v =>
        {
            try
            {
                // A trial whose last attempt failed (or was handed off) goes elsewhere when another silo has room.
                if (v.Record.Error is not null && v.Record.Silo is { } last) RequestContext.Set(TrainingSlotPlacement.AvoidSiloKey, last);
                var pack = packs.GetValueOrDefault(v);
                // Every member of a pack goes where its first went (the placement director remembers the pack's silo).
                if (pack is not null) RequestContext.Set(TrainingSlotPlacement.PackKey, pack.Id);
                return await GrainFactory.GetGrain<ITrialGrain>(v.Record.TrialId)
                    .Start(v.Config, _spec.MaxAttempts, _spec.CheckpointEveryBatches, _spec.Pbt?.PerturbationInterval, DecidesVerdicts, pack);
            }
            catch (Exception e)
            {
                LogAdmitFailed(e, v.Record.TrialId);
                return TrialStartResult.NotAdmitted;
            }
        }));
        RequestContext.Remove(TrainingSlotPlacement.DeviceKindKey);
        _model.MarkChanged(admitted.Select(v => v.Record.TrialId)); // their attempts, silos and statuses changed in the store
    }

    async Task<int> FreeSlotsAsync(CancellationToken ct)
    {
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString()).ToHashSet();
        // Only slots this sweep's trials may use (its `device:`): a cuda sweep waits for GPU slots, however many CPUs idle.
        return SlotMatching.FreeSlots(await store.GetSlotLedgerAsync(ct), active, _spec.Device);
    }

    int Fuse => FusionGrouping.EffectiveFuse(_spec, forked: _sweep.ForkedFrom is not null);

    /// <summary>Whether this sweep decides about epochs (a pruner or pbt): then its trials' training waits for each verdict.</summary>
    bool DecidesVerdicts => _pbt is not null || _pruner is not NoPruner;

    /// <summary>
    /// Answers every epoch report, Continue included: the trial's relay waits for the answer before it reports the next
    /// epoch, so at most one report per trial is queued here (one-way notices alone would let trials with millisecond epochs
    /// flood this grain's queue, and a Cancel or GetStatus would wait behind thousands of them).
    /// </summary>
    public async Task ReportEpoch(EpochReport report)
    {
        var verdict = await DecideAsync(report);
        // One-way, like the report: this grain never waits on the trial while the trial's relay waits on the verdict.
        _ = GrainFactory.GetGrain<ITrialGrain>(report.TrialId).ApplyVerdict(report.Attempt, report.Epoch, verdict);
    }

    /// <summary>The verdict on a reported epoch; a report of an unknown trial or an older attempt is only answered Continue.</summary>
    async Task<EpochVerdict> DecideAsync(EpochReport report)
    {
        if (!_trials.TryGetValue(report.TrialId, out var view) || IsStale(view, report.Attempt)) return EpochVerdict.Continue;
        view.AddEpoch(report);
        if (_pbt is not null) return await ExploitIfBehindAsync(view, report);
        if (_pruner is NoPruner) return EpochVerdict.Continue; // no need to gather every trial's history for nothing
        var others = _trials.Values.Where(v => v != view).Select(v => v.History(_sweep.Metric)).ToList();
        return _pruner.ShouldPrune(view.History(_sweep.Metric), others) ? EpochVerdict.Prune : EpochVerdict.Continue;
    }

    /// <summary>A report from an attempt older than the trial's current one: a zombie of a silo presumed dead.</summary>
    static bool IsStale(TrialView view, int attempt) => attempt < view.Record.Attempts;

    public Task ReportProgress(string trialId, TrialProgress progress)
    {
        if (_trials.TryGetValue(trialId, out var view) && !IsStale(view, progress.Attempt)) view.Live = progress;
        return Task.CompletedTask;
    }

    public Task ReportFinished(string trialId, int attempt, TrialStatus status, string? error)
    {
        if (!_trials.TryGetValue(trialId, out var view) || IsStale(view, attempt)) return Task.CompletedTask;
        _model.MarkChanged(trialId);
        view.Live = null;
        LogTrialFinished(SweepId, trialId, status.ToWire());
        // A slot just freed up: schedule now rather than at the next tick (the reporting trial may be deactivating after a
        // hand-off; a Start sent to it waits for the deactivation to end, so the scheduler's own turn takes that wait).
        if (_sweep.State == SweepState.Running) _scheduler?.Change(TimeSpan.Zero, _options.SchedulerInterval);
        return Task.CompletedTask;
    }

    public Task Poke()
    {
        _model.RequestFullRefresh();
        // Trials came back (a silo died): look at once rather than at the next tick.
        if (_sweep.State == SweepState.Running) _scheduler?.Change(TimeSpan.Zero, _options.SchedulerInterval);
        return Task.CompletedTask;
    }

    public async Task Cancel()
    {
        if (_sweep.State != SweepState.Running) return;
        _ending = SweepState.Cancelled;
        // One compare-and-set in the store: pending and running trials read cancelled at once, trials that finished
        // meanwhile keep their status. The running ones then stop within a batch and end their attempts themselves.
        var running = await store.CancelTrialsAsync(SweepId, "sweep cancelled");
        foreach (var trialId in running)
        {
            try { await GrainFactory.GetGrain<ITrialGrain>(trialId).Stop(TrialStatus.Cancelled); }
            catch (Exception e) { LogStopFailed(e, trialId); } // its lease runs out or its silo is declared dead
        }
        await FinishAsync(SweepState.Cancelled);
    }

    public async Task<int> RetryFailed()
    {
        var retried = await store.RetryFailedTrialsAsync(SweepId);
        if (retried == 0) return 0;
        await ReopenAsync();
        return retried;
    }

    public async Task<int> Extend(int trials)
    {
        // The bound is the silo's to keep: a client may not send what the CLI would refuse.
        if (SweepSpecParser.ExtendProblem(trials) is { } problem) throw new AeGridRequestException($"extend: {problem}");
        await _model.RefreshAllAsync(CancellationToken.None);
        if (ProposesLazily) return await ExtendBudgetAsync(trials);
        var existing = _trials.Values.Select(v => v.Config).ToList();
        var added = SamplerFactory.Create(_spec).NextTrials(SweepId, existing, trials);
        if (added.Count == 0)
            throw new AeGridRequestException($"sweep {SweepId} uses {_spec.Search.ToString().ToLowerInvariant()} search, which has no further trials to add");
        await store.AddTrialsAsync(SweepId, added);
        await ReopenAsync();
        return added.Count;
    }

    async Task ReopenAsync()
    {
        await store.SetSweepStateAsync(SweepId, SweepState.Running);
        _sweep = _sweep with { State = SweepState.Running, FinishedAt = null };
        _ending = null;
        _model.RequestFullRefresh();
        await Start();
    }

    /// <summary>
    /// Keeps the best models and marks the sweep finished. The scheduler stops only once that is stored: if the store fails
    /// halfway, the next tick finishes again (every step is idempotent) instead of leaving a running sweep with no driver.
    /// </summary>
    async Task FinishAsync(SweepState state)
    {
        _ending = state;
        StartScheduler(); // Cancel may come to a sweep whose scheduler this activation never started
        // Another process may have finished it already (a `sweep cancel` on the same local store): its decision stands.
        if (await store.GetSweepAsync(SweepId) is { State: not SweepState.Running } stored)
        {
            _sweep = stored;
            StopScheduler();
            await DropReminderAsync();
            return;
        }
        await _model.RefreshAllAsync(CancellationToken.None);
        if (state == SweepState.Completed)
        {
            await _model.LoadMissingEpochsAsync(CancellationToken.None);
            var best = Leaderboard.Rank(_trials.Values.Select(v => (v.Record, (IReadOnlyList<EpochReport>)v.Epochs)),
                _sweep.Metric, _sweep.Maximize, _spec.KeepBest);
            var kept = new List<string>();
            foreach (var entry in best)
            {
                if (await modelKeeper.KeepAsync(_trials[entry.TrialId].Config)) kept.Add(entry.TrialId);
            }
            await store.SetKeptAsync(SweepId, kept);
        }
        await store.SetSweepStateAsync(SweepId, state);
        StopScheduler();
        _sweep = (await store.GetSweepAsync(SweepId))!;
        await _model.RefreshAllAsync(CancellationToken.None);
        LogFinished(SweepId, state.ToString().ToLowerInvariant());
        await DropReminderAsync();
    }

    async Task DropReminderAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

    [LoggerMessage(LogLevel.Information, "Sweep {SweepId}: trial {TrialId} ended {Status}")]
    partial void LogTrialFinished(string sweepId, string trialId, string status);
    [LoggerMessage(LogLevel.Information, "Sweep {SweepId} finished: {State}")]
    partial void LogFinished(string sweepId, string state);
    [LoggerMessage(LogLevel.Warning, "Sweep {SweepId}: {Count} trials of lost silo {Silo} set back to pending")]
    partial void LogRecovered(string sweepId, int count, string silo);
    [LoggerMessage(LogLevel.Warning, "Sweep {SweepId}: the leases of {Count} trials ran out ({TrialIds}); set back to pending")]
    partial void LogLeasesExpired(string sweepId, int count, string trialIds);
    [LoggerMessage(LogLevel.Warning, "Could not tell trial {TrialId} to stop; its attempt ends when its lease runs out")]
    partial void LogStopFailed(Exception e, string trialId);
    [LoggerMessage(LogLevel.Warning, "Could not admit trial {TrialId}; will retry")]
    partial void LogAdmitFailed(Exception e, string trialId);
}
