using System.Threading.Channels;
using AeGrid.Abstractions;
using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Store;

/// <summary>
/// Writes epoch rows to the store off the training thread. <see cref="EnqueueAsync"/> puts a row in a bounded in-memory
/// buffer and returns; a background loop writes what has gathered in batches of up to
/// <see cref="StoreWriterOptions.MaxBatchSize"/>. Give it the silo's <see cref="ResilientTrialStore"/>: its
/// <see cref="StoreResilienceOptions.EpochWrites"/> policy keeps retrying a batch while the store fails (PostgreSQL
/// restarting or unreachable), for as long as it takes, so the writer itself never retries.
/// </summary>
/// <remarks>
/// When the buffer is full the producer WAITS until rows are stored (back-pressure), after one warning line: a trial
/// needs every epoch row (pruners and the leaderboard read them), so none is ever dropped to make room. Rows the store
/// refuses because their attempt was fenced out count as done: they belong to a zombie. <see cref="FlushAsync"/> waits for
/// everything enqueued before it; call it before <see cref="ITrialStore.EndAttemptAsync"/> so the last epochs land first.
/// </remarks>
public sealed partial class EpochWriter : IAsyncDisposable
{
    private readonly ITrialStore _store;
    private readonly ILogger<EpochWriter> _logger;
    private readonly StoreWriterOptions _options;
    private readonly Channel<EpochReport> _buffer;
    private readonly CancellationTokenSource _giveUp = new();
    private readonly Task _loop;

    // Rows are numbered in buffer order: row n is stored once _stored >= n. _enqueueLock keeps numbering and buffer order equal.
    private readonly Lock _enqueueLock = new();
    private long _enqueued;
    private long _stored;
    private readonly Lock _flushLock = new();
    private readonly List<(long Upto, TaskCompletionSource Done)> _flushWaiters = [];
    private Exception? _failure;
    private int _bufferFullWarned;
    private volatile bool _closed;

    public EpochWriter(ITrialStore store, ILogger<EpochWriter> logger, StoreWriterOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _options = options ?? new StoreWriterOptions();
        _options.Validate();
        _buffer = Channel.CreateBounded<EpochReport>(new BoundedChannelOptions(_options.Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Rows enqueued and not yet stored.</summary>
    public long Pending => Interlocked.Read(ref _enqueued) - Interlocked.Read(ref _stored);

    /// <summary>Hands a row to the writer: returns at once unless the buffer is full, then waits until there is room.</summary>
    public async ValueTask EnqueueAsync(EpochReport row, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        while (!TryEnqueue(row))
            if (!await _buffer.Writer.WaitToWriteAsync(ct).ConfigureAwait(false))
                throw Closed(row);
    }

    /// <summary>Completes when every row enqueued before this call is stored (or was refused as fenced out).</summary>
    public Task FlushAsync(CancellationToken ct = default)
    {
        long upto;
        lock (_enqueueLock) upto = _enqueued;
        lock (_flushLock)
        {
            if (_failure is not null) return Task.FromException(_failure);
            if (_stored >= upto) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushWaiters.Add((upto, done));
            return done.Task.WaitAsync(ct);
        }
    }

    /// <summary>
    /// Stops taking rows and waits up to <see cref="StoreWriterOptions.DisposeTimeout"/> for the buffer to be stored;
    /// rows still unstored then are reported in an error log line (with their trials), never dropped silently.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _buffer.Writer.TryComplete();
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
    }

    private bool TryEnqueue(EpochReport row)
    {
        lock (_enqueueLock)
        {
            if (_buffer.Writer.TryWrite(row))
            {
                _enqueued++;
                return true;
            }
        }
        if (!_closed && Interlocked.Exchange(ref _bufferFullWarned, 1) == 0)
            LogBufferFull(_logger, _options.Capacity, row.TrialId);
        return false;
    }

    private static InvalidOperationException Closed(EpochReport row) =>
        new($"the epoch writer is shut down: epoch {row.Epoch} of trial '{row.TrialId}' was not accepted");

    private async Task WriteLoopAsync()
    {
        var batch = new List<EpochReport>(_options.MaxBatchSize);
        try
        {
            while (await _buffer.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (batch.Count < _options.MaxBatchSize && _buffer.Reader.TryRead(out var row)) batch.Add(row);
                await _store.WriteEpochsAsync(batch, _giveUp.Token).ConfigureAwait(false);
                MarkStored(batch.Count);
                batch.Clear();

                if (Volatile.Read(ref _bufferFullWarned) == 1 && _buffer.Reader.Count <= _options.Capacity / 2)
                {
                    Interlocked.Exchange(ref _bufferFullWarned, 0);
                    LogBufferDrained(_logger, _buffer.Reader.Count);
                }
            }
        }
        catch (Exception) when (_giveUp.IsCancellationRequested)
        {
            var lost = batch.Concat(DrainBuffer()).ToList();
            LogRowsNotStored(_logger, lost.Count, string.Join(", ", lost.Select(r => r.TrialId).Distinct().Order()));
            FailWaiters(new InvalidOperationException($"the epoch writer shut down with {lost.Count} rows not stored"));
        }
        catch (Exception e)
        {
            // A store error no retry can fix (the resilient store rode out the transient ones): surface it to anyone
            // flushing rather than hang them.
            LogWriterCrashed(_logger, e);
            FailWaiters(e);
        }
    }

    private IEnumerable<EpochReport> DrainBuffer()
    {
        while (_buffer.Reader.TryRead(out var row)) yield return row;
    }

    private void MarkStored(int count)
    {
        lock (_flushLock)
        {
            _stored += count;
            for (var i = _flushWaiters.Count - 1; i >= 0; i--)
            {
                if (_flushWaiters[i].Upto > _stored) continue;
                _flushWaiters[i].Done.TrySetResult();
                _flushWaiters.RemoveAt(i);
            }
        }
    }

    private void FailWaiters(Exception failure)
    {
        lock (_flushLock)
        {
            _failure = failure;
            foreach (var (_, done) in _flushWaiters) done.TrySetException(failure);
            _flushWaiters.Clear();
        }
    }
}
