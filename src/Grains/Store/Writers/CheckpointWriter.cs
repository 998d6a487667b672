using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

/// <summary>
/// Saves checkpoints off the training thread, latest wins per trial: a checkpoint enqueued while an older one of the same
/// trial still waits replaces it (only the newest is worth resuming from). Failed saves are retried with exponential
/// backoff like <see cref="EpochWriter"/>'s; a checkpoint superseded during the retries is dropped in favour of the new one.
/// Memory is bounded by one checkpoint per running trial, so <see cref="Enqueue"/> never blocks.
/// </summary>
public sealed partial class CheckpointWriter : IAsyncDisposable
{
    private readonly ITrialStore _store;
    private readonly ILogger<CheckpointWriter> _logger;
    private readonly StoreWriterOptions _options;
    private readonly CancellationTokenSource _giveUp = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Task _loop;

    // Every checkpoint gets a sequence number; a flush waits until nothing numbered up to its mark is waiting or in flight.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Seq, StoredCheckpoint Checkpoint)> _waiting = [];
    private (long Seq, StoredCheckpoint Checkpoint)? _inFlight;
    private long _seq;
    private bool _closed;
    private Exception? _failure;
    private readonly List<(long Upto, TaskCompletionSource Done)> _flushWaiters = [];

    public CheckpointWriter(ITrialStore store, ILogger<CheckpointWriter> logger, StoreWriterOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _options = options ?? new StoreWriterOptions();
        _options.Validate();
        _loop = Task.Run(SaveLoopAsync);
    }

    /// <summary>Checkpoints waiting to be saved (at most one per trial).</summary>
    public int Pending
    {
        get { lock (_lock) return _waiting.Count + (_inFlight is null ? 0 : 1); }
    }

    /// <summary>Queues the checkpoint, replacing any older one of the same trial that is still waiting. Never blocks.</summary>
    public void Enqueue(StoredCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        lock (_lock)
        {
            if (_closed)
                throw new InvalidOperationException(
                    $"the checkpoint writer is shut down: the checkpoint of trial '{checkpoint.TrialId}' (epoch {checkpoint.Epoch}) was not accepted");
            _waiting[checkpoint.TrialId] = (++_seq, checkpoint);
            _wake.Release(); // under the lock: DisposeAsync disposes _wake only after _closed is seen here
        }
    }

    /// <summary>Completes when every checkpoint enqueued before this call is saved, refused as fenced out, or superseded.</summary>
    public Task FlushAsync(CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (_failure is not null) return Task.FromException(_failure);
            if (OldestOutstanding() > _seq) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushWaiters.Add((_seq, done));
            return done.Task.WaitAsync(ct);
        }
    }

    /// <summary>Stops taking checkpoints and waits up to <see cref="StoreWriterOptions.DisposeTimeout"/> for the waiting ones.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _closed = true;
            _wake.Release();
        }
        try
        {
            await _loop.WaitAsync(_options.DisposeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _giveUp.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
        }
        _giveUp.Dispose();
        _wake.Dispose();
    }

    private async Task SaveLoopAsync()
    {
        try
        {
            while (true)
            {
                await _wake.WaitAsync(_giveUp.Token).ConfigureAwait(false);
                while (TakeNext() is { } next)
                {
                    await SaveWithRetryAsync(next.Checkpoint).ConfigureAwait(false);
                    Settle();
                }
                lock (_lock)
                    if (_closed && _waiting.Count == 0) return;
            }
        }
        catch (Exception) when (_giveUp.IsCancellationRequested)
        {
            List<string> lost;
            lock (_lock)
            {
                lost = [.. _waiting.Keys];
                if (_inFlight is { } flying && !_waiting.ContainsKey(flying.Checkpoint.TrialId)) lost.Add(flying.Checkpoint.TrialId);
            }
            LogCheckpointsNotSaved(_logger, lost.Count, string.Join(", ", lost.Order()));
            Fail(new InvalidOperationException($"the checkpoint writer shut down with {lost.Count} checkpoints not saved"));
        }
        catch (Exception e)
        {
            LogWriterCrashed(_logger, e);
            Fail(e);
        }
    }

    private (long Seq, StoredCheckpoint Checkpoint)? TakeNext()
    {
        lock (_lock)
        {
            _inFlight = null;
            if (_waiting.Count == 0) return null;
            var oldest = _waiting.MinBy(w => w.Value.Seq);
            _waiting.Remove(oldest.Key);
            _inFlight = oldest.Value;
            return _inFlight;
        }
    }

    private async Task SaveWithRetryAsync(StoredCheckpoint checkpoint)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                var saved = await _store.SaveCheckpointAsync(checkpoint, _giveUp.Token).ConfigureAwait(false);
                if (!saved) LogFencedOut(_logger, checkpoint.TrialId, checkpoint.Attempt);
                else if (failures > 0) LogStoreRecovered(_logger, checkpoint.TrialId, failures);
                return;
            }
            catch (Exception e) when (!_giveUp.IsCancellationRequested)
            {
                if (++failures == 1) LogStoreFailing(_logger, e, checkpoint.TrialId, checkpoint.Epoch, e.Message);
                await Task.Delay(_options.RetryDelay(failures), _giveUp.Token).ConfigureAwait(false);
                lock (_lock)
                    if (_waiting.ContainsKey(checkpoint.TrialId)) return; // a newer one is waiting: this one no longer matters
            }
        }
    }

    /// <summary>The smallest sequence number still waiting or in flight; long.MaxValue when idle.</summary>
    private long OldestOutstanding()
    {
        var oldest = _inFlight?.Seq ?? long.MaxValue;
        foreach (var waiting in _waiting.Values) oldest = Math.Min(oldest, waiting.Seq);
        return oldest;
    }

    private void Settle()
    {
        lock (_lock)
        {
            _inFlight = null;
            var oldest = OldestOutstanding();
            for (var i = _flushWaiters.Count - 1; i >= 0; i--)
            {
                if (_flushWaiters[i].Upto >= oldest) continue;
                _flushWaiters[i].Done.TrySetResult();
                _flushWaiters.RemoveAt(i);
            }
        }
    }

    private void Fail(Exception failure)
    {
        lock (_lock)
        {
            _failure = failure;
            foreach (var (_, done) in _flushWaiters) done.TrySetException(failure);
            _flushWaiters.Clear();
        }
    }
}
