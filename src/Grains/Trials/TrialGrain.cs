using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Grains.Placement;
using AeGrid.Grains.Store;
using AeGrid.Grains.Sweeps;
using AeGrid.Models.Data;
using AeGrid.Models.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AeGrid.Grains.Trials;

/// <summary>
/// Owns one trial attempt at a time. Start fences a new attempt in the store (which also claims a slot on this silo),
/// then returns; training runs on a thread-pool thread while this grain, on its own scheduler, stores what the
/// training thread relays (epochs before checkpoints, so a resumed trial never loses an epoch row), renews the lease,
/// forwards progress and pruning decisions, and ends the attempt. On deactivation (shutdown, SIGTERM) it pauses the
/// training at the next batch, stores that checkpoint and hands the trial back to its sweep.
/// </summary>
[TrainingSlotPlacement]
public sealed partial class TrialGrain(
    ITrialStore store,
    EpochWriter epochWriter,
    ILocalSiloDetails silo,
    PackHost packHost,
    IOptions<TrainingSiloOptions> siloOptions,
    IOptions<DatasetAccessOptions> dataAccess,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    readonly TrainingSiloOptions _options = siloOptions.Value;
    Attempt? _current;

    /// <summary>One running attempt: everything that must be torn down together.</summary>
    sealed class Attempt
    {
        public Attempt(TrialConfig config, int number, AttemptHistory history, int maxAttempts, int? snapshotEveryEpochs, bool awaitsVerdicts)
        {
            Config = config;
            Number = number;
            History = history;
            MaxAttempts = maxAttempts;
            SnapshotEveryEpochs = snapshotEveryEpochs;
            Released = CancellationTokenSource.CreateLinkedTokenSource(Cancel.Token, Pause.Token);
            Relay = new TrainingRelay(snapshotEveryEpochs, awaitsVerdicts, Released.Token);
        }

        public TrialConfig Config { get; }
        public int Number { get; }
        /// <summary>The trial's earlier attempts since it was last retried (RetryFailed): what max_attempts limits.</summary>
        public AttemptHistory History { get; }
        public int MaxAttempts { get; }
        /// <summary>The fused pack this attempt trains in (`fuse: K`); null: alone.</summary>
        public PackAssignment? Pack { get; init; }
        public CancellationTokenSource Cancel { get; } = new();
        public CancellationTokenSource Pause { get; } = new();
        /// <summary>Cancelled with either <see cref="Cancel"/> or <see cref="Pause"/>: no verdict is worth waiting for then.</summary>
        public CancellationTokenSource Released { get; }
        public TrainingRelay Relay { get; }
        public TrialStatus StopStatus { get; set; } = TrialStatus.Cancelled;
        public bool FencedOut { get; set; }
        /// <summary>pbt took this trial's checkpoint and hyperparameters from a better one and ended this attempt in the store.</summary>
        public bool Exploited { get; set; }
        /// <summary>pbt: keep a snapshot of the checkpoint at every multiple of this epoch count.</summary>
        public int? SnapshotEveryEpochs { get; }
        /// <summary>pbt: the report of a snapshot epoch, held until that epoch's snapshot is stored (then the sweep hears it).</summary>
        public EpochReport? HeldReport { get; set; }
        /// <summary>Until when our claim is known valid; past it, with the store unreachable, we must stop training.</summary>
        public DateTime LeaseValidUntil { get; set; }
        public Task? Loop { get; set; }
        public IGrainTimer? LeaseTimer { get; set; }
        public IGrainTimer? ProgressTimer { get; set; }
    }

    /// <summary>A sweep's pack ids are its id (a name of at most 64 characters and a suffix) and 18 more: under 100.</summary>
    const int MaxPackIdLength = 200;

    string SiloName => silo.SiloAddress.ToParsableString();
    ISweepGrain Sweep(TrialConfig config) => GrainFactory.GetGrain<ISweepGrain>(config.SweepId);

    public async Task<TrialStartResult> Start(TrialConfig config, int maxAttempts, int? checkpointEveryBatches, int? snapshotEveryEpochs,
        bool awaitsVerdicts, PackAssignment? pack)
    {
        if (_current is not null) return TrialStartResult.AlreadyRunning;
        // Any client may call a grain: a pack is what a sweep would send, or refused.
        if (pack is not null && (pack.Size is < 1 or > SweepSpecParser.MaxFuse || string.IsNullOrEmpty(pack.Id) || pack.Id.Length > MaxPackIdLength))
            throw new AeGridRequestException($"trial {config.TrialId}: a pack needs 1 to {SweepSpecParser.MaxFuse} members and an id of 1 to {MaxPackIdLength} characters");
        var stored = await store.GetTrialAsync(config.TrialId);
        if (stored is null) throw new AeGridRequestException($"unknown trial {config.TrialId}");
        if (stored.Status.IsFinal()) return TrialStartResult.AlreadyFinished;
        // Read before claiming the trial, so a store error here leaves nothing open.
        var history = AttemptHistory.SinceLastRetry(await store.GetAttemptsAsync(config.TrialId));

        var number = await store.BeginAttemptAsync(config.TrialId, SiloName, _options.AttemptLease, pack?.Id);
        if (number is null)
        {
            // No free slot here, or another live attempt holds the trial: let the next admission place us afresh.
            DeactivateOnIdle();
            return TrialStartResult.NotAdmitted;
        }
        if (history.SiloDeaths >= _options.MaxSiloDeaths)
        {
            // Every silo it ran on died under it: most likely it takes them down (out of memory). Running it again would
            // take down the next one; fail it with the reason instead. This attempt marks where a RetryFailed starts anew.
            var reason = $"its last {history.SiloDeaths} attempts ended with the death of their silo (out of memory?); " +
                         "not run again (`aegrid sweep retry` runs it again)";
            await store.EndAttemptAsync(config.TrialId, number.Value, TrialStatus.Failed, reason);
            LogGaveUp(config.TrialId, history.SiloDeaths);
            DeactivateOnIdle();
            return TrialStartResult.AlreadyFinished;
        }

        // The stored row, not the caller's copy: pbt changes a trial's hyperparameters in the store when it exploits.
        config = config with { Parameters = stored.Parameters };
        var attempt = new Attempt(config, number.Value, history, maxAttempts, snapshotEveryEpochs, awaitsVerdicts)
        {
            LeaseValidUntil = DateTime.UtcNow + _options.AttemptLease,
            Pack = pack,
        };
        _current = attempt;
        attempt.LeaseTimer = this.RegisterGrainTimer(RenewLeaseAsync, attempt, new GrainTimerCreationOptions
        {
            DueTime = _options.LeaseRenewInterval, Period = _options.LeaseRenewInterval, Interleave = true, KeepAlive = true,
        });
        attempt.ProgressTimer = this.RegisterGrainTimer(ReportProgressAsync, attempt, new GrainTimerCreationOptions
        {
            DueTime = _options.ProgressInterval, Period = _options.ProgressInterval, Interleave = true, KeepAlive = true,
        });
        attempt.Loop = RunAttemptAsync(attempt, checkpointEveryBatches ?? _options.CheckpointEveryBatches);
        LogStarted(config.TrialId, attempt.Number, SiloName);
        return TrialStartResult.Started;
    }

    public Task Stop(TrialStatus finalStatus)
    {
        if (_current is { } attempt) Stop(attempt, finalStatus);
        return Task.CompletedTask;
    }

    static void Stop(Attempt attempt, TrialStatus finalStatus)
    {
        attempt.StopStatus = finalStatus;
        attempt.Cancel.Cancel();
    }

    async Task<bool> IsCancelledWhileCurrentAsync(Attempt attempt, CancellationToken ct) =>
        await store.GetTrialAsync(attempt.Config.TrialId, ct) is { Status: TrialStatus.Cancelled } trial && trial.Attempts == attempt.Number;

    public Task<bool> IsTraining() => Task.FromResult(_current is not null);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_current is { Loop: { } loop } attempt)
        {
            // Shutting down or evicted: checkpoint at the next batch boundary and hand the trial back.
            LogHandingOff(attempt.Config.TrialId, attempt.Number, reason.ToString());
            attempt.Pause.Cancel();
            // Grain timers stop once deactivation starts, but the hand-off (the next batch, the checkpoint, the end) can
            // outlast a short lease on a loaded or slowly stopping silo: keep the claim alive until the attempt has ended,
            // or the sweep would close it as expired and throw the hand-off checkpoint away.
            using var handedOff = new CancellationTokenSource();
            var renewing = KeepRenewingAsync(attempt, handedOff.Token);
            await loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
            handedOff.Cancel();
            await renewing;
        }
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    async Task KeepRenewingAsync(Attempt attempt, CancellationToken handedOff)
    {
        while (!handedOff.IsCancellationRequested && _current == attempt && !attempt.FencedOut)
        {
            try { await Task.Delay(_options.LeaseRenewInterval, handedOff); }
            catch (OperationCanceledException) { return; }
            if (_current == attempt) await RenewLeaseAsync(attempt, CancellationToken.None);
        }
    }

    async Task RunAttemptAsync(Attempt attempt, int? checkpointEveryBatches)
    {
        var config = attempt.Config;
        using var span = AeGridTelemetry.Source.StartActivity("trial attempt");
        span?.SetTag("aegrid.trial_id", config.TrialId).SetTag("aegrid.attempt", attempt.Number)
            .SetTag("aegrid.architecture", config.Parameters.Architecture).SetTag("aegrid.silo", SiloName);
        // A pack's members share one slot: the pack's host counts it once (PackHost).
        if (attempt.Pack is null) AeGridTelemetry.BusySlots.Add(1);
        TrialStatus status;
        string? error = null;
        bool retry = false;
        try
        {
            var training = config.Parameters.WithDefaults();
            training.Validate();
            // The store is the resilient one (StoreResilienceOptions.Attempts): these calls ride out a database restart.
            var resume = await store.LoadCheckpointAsync(config.TrialId);
            // A forked sweep's trial starts from its source's weights; once it has a checkpoint of its own, it resumes from that.
            var warmStart = resume is null ? await store.GetWarmStartAsync(config.SweepId) : null;
            var options = new TrainingOptions
            {
                Device = _options.DeviceKind == "cuda" ? "cuda" : "cpu",
                Threads = _options.EffectiveThreads,
                CheckpointEveryBatches = checkpointEveryBatches,
                InitialWeights = warmStart?.Weights,
            };
            var checkpoint = resume is null ? null : new Checkpoint(resume.Epoch, resume.Batch, resume.Bytes);
            var trainingTask = StartTraining(attempt, training, options, checkpoint);
            var firstBatchStamp = StampFirstBatchAsync(attempt);
            try
            {
                await PumpRelayAsync(attempt, resume?.Epoch ?? 0);
            }
            catch
            {
                // Never end the attempt (and free its slot) while its training thread still runs: stop it and wait.
                attempt.Cancel.Cancel();
                await trainingTask.ContinueWith(_ => { }, TaskScheduler.Current);
                throw;
            }
            var result = await trainingTask;
            await firstBatchStamp;
            await epochWriter.FlushAsync(CancellationToken.None);
            (status, error) = result.Outcome switch
            {
                TrainingOutcome.Completed => (TrialStatus.Completed, null),
                TrainingOutcome.Diverged => (TrialStatus.Diverged, result.Message),
                TrainingOutcome.Cancelled when attempt.Exploited => (TrialStatus.Pending, "exploited"),
                TrainingOutcome.Cancelled => (attempt.StopStatus, (string?)null),
                TrainingOutcome.Paused => (TrialStatus.Pending, "handed off at a checkpoint"),
                _ => (TrialStatus.Failed, $"unexpected outcome {result.Outcome}"),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Bad input never gets better by retrying; anything else gets another attempt (on another placement).
            bool badInput = e is InvalidHyperparameterException or DatasetFormatException or DatasetNotFoundException;
            error = badInput ? e.Message : $"{e.GetType().Name}: {e.Message}";
            retry = !badInput && attempt.History.OwnFailures + 1 < attempt.MaxAttempts;
            status = retry ? TrialStatus.Pending : TrialStatus.Failed;
            LogFailed(e, config.TrialId, attempt.Number, retry);
        }
        span?.SetTag("aegrid.status", status.ToWire());
        if (status == TrialStatus.Failed) span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error);
        if (attempt.Pack is null) AeGridTelemetry.BusySlots.Add(-1);
        AeGridTelemetry.TrialsEnded.Add(1, new KeyValuePair<string, object?>("status", status.ToWire()));
        await EndAttemptAsync(attempt, status, error, retry ? AttemptOutcomes.Error : null);
    }

    /// <summary>
    /// Records when training first finished a batch (admission to first batch is the silo's scheduling latency). Runs on
    /// the grain scheduler as soon as the relay signals it, so the store's clock is at most one round trip late; a
    /// failure only loses the figure, never the trial.
    /// </summary>
    async Task StampFirstBatchAsync(Attempt attempt)
    {
        if (!await attempt.Relay.FirstBatch) return;
        try
        {
            await store.RecordFirstBatchAsync(attempt.Config.TrialId, attempt.Number);
        }
        catch (Exception e)
        {
            LogFirstBatchNotRecorded(e, attempt.Config.TrialId, attempt.Number);
        }
    }

    async Task RenewLeaseAsync(Attempt attempt, CancellationToken ct)
    {
        var askedAt = DateTime.UtcNow;
        try
        {
            if (await store.RenewLeaseAsync(attempt.Config.TrialId, attempt.Number, _options.AttemptLease, ct))
                attempt.LeaseValidUntil = askedAt + _options.AttemptLease;
            else if (await IsCancelledWhileCurrentAsync(attempt, ct))
                Stop(attempt, TrialStatus.Cancelled); // cancelled in the store, perhaps by another process: end it normally
            else
                FenceOut(attempt);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLeaseRenewFailed(e, attempt.Config.TrialId);
            // Past our lease another silo may legitimately claim the trial: never train it twice at once.
            if (DateTime.UtcNow > attempt.LeaseValidUntil) FenceOut(attempt);
        }
    }

    Task ReportProgressAsync(Attempt attempt, CancellationToken ct)
    {
        if (attempt.Relay.Latest is not { } p) return Task.CompletedTask;
        var epochs = attempt.Config.Parameters.Epochs ?? 0;
        var progress = new TrialProgress(p.Epoch, epochs, p.Batch, p.BatchesPerEpoch, p.Loss, p.SamplesPerSecond, SiloName, attempt.Number);
        Notify(attempt.Config, sweep => sweep.ReportProgress(attempt.Config.TrialId, progress));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends a one-way notice to the trial's sweep and goes on: the sweep awaits this grain (Start, Stop), so this grain never
    /// awaits the sweep. A notice lost with the sweep's silo is caught up by the sweep's reconcile, which reads the store.
    /// </summary>
    void Notify(TrialConfig config, Func<ISweepGrain, Task> notice)
    {
        try
        {
            _ = notice(Sweep(config)); // [OneWay]: completed as soon as the message is queued
        }
        catch (Exception e)
        {
            LogSweepUnreachable(e, config.TrialId);
        }
    }

    /// <summary>Another attempt owns the trial now (this silo was presumed dead): stop without writing anything more.</summary>
    void FenceOut(Attempt attempt)
    {
        if (attempt.FencedOut) return;
        LogFencedOut(attempt.Config.TrialId, attempt.Number);
        attempt.FencedOut = true;
        attempt.Cancel.Cancel();
    }

    async Task EndAttemptAsync(Attempt attempt, TrialStatus status, string? error, string? outcome)
    {
        attempt.LeaseTimer?.Dispose();
        attempt.ProgressTimer?.Dispose();
        _current = null;
        var config = attempt.Config;
        if (!attempt.FencedOut)
        {
            bool ended = false;
            try
            {
                ended = await store.EndAttemptAsync(config.TrialId, attempt.Number, status, error, outcome);
            }
            catch (Exception e)
            {
                // The store stayed away longer than the retries: the attempt stays open until its lease runs out, and then
                // the sweep sets the trial back to pending (ExpireLeasesAsync). Nothing is lost but this attempt's end.
                LogEndNotStored(e, config.TrialId, attempt.Number);
            }
            if (ended)
            {
                LogEnded(config.TrialId, attempt.Number, status.ToWire(), error ?? "");
                Notify(config, sweep => sweep.ReportFinished(config.TrialId, attempt.Number, status, error));
            }
        }
        // While the end was being stored, the sweep may have started the next attempt here (a retry): deactivating would
        // cut that attempt short.
        if (_current is null) DeactivateOnIdle();
    }
}
