using System.Net.Sockets;
using System.Reflection;
using AeGrid.Abstractions;
using AeGrid.Grains.Store;
using AeGrid.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Hosting;
using Orleans.Runtime;

namespace AeGrid.Grains.Tests.Store.Resilience;

/// <summary>The retry decorator over a real SQLite store that is made to fail (or lose answers) on purpose.</summary>
public sealed class ResilientTrialStoreTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aegrid-resilience-").FullName;
    private readonly CapturingLogger<ResilientTrialStore> _log = new();
    private SqliteTrialStore _sqlite = null!;

    public async Task InitializeAsync()
    {
        _sqlite = new SqliteTrialStore(Path.Combine(_folder, "store.db"));
        await _sqlite.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _sqlite.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Test-sized delays; <paramref name="attemptRetries"/> bounds the policy of an attempt's writes.</summary>
    private ResilientTrialStore Resilient(ITrialStore inner, int? attemptRetries = 30) => new(inner, new StoreResilienceOptions
    {
        Calls = new() { MaxRetries = 3, FirstDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) },
        Attempts = new() { MaxRetries = attemptRetries, FirstDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) },
    }, _log);

    [Fact]
    public async Task Transient_failures_are_retried_until_the_call_succeeds_and_the_recovery_is_logged()
    {
        var (trialId, attempt) = await RunningTrialAsync();
        var faulty = new FaultInjectingTrialStore(_sqlite);
        faulty.FailNextWrites(6);

        Assert.True(await Resilient(faulty).SaveCheckpointAsync(new StoredCheckpoint(trialId, attempt, 1, 0, [1, 2, 3])));

        Assert.Equal(6, faulty.FailedWrites);
        Assert.Equal([1, 2, 3], (await _sqlite.LoadCheckpointAsync(trialId))!.Bytes);
        Assert.Equal(1, _log.Count(LogLevel.Warning, "SaveCheckpointAsync failed"));
        Assert.Equal(1, _log.Count(LogLevel.Information, "reachable again: SaveCheckpointAsync succeeded after 6 failed tries"));
    }

    [Fact]
    public async Task Retries_stop_at_the_bound_and_the_last_error_reaches_the_caller()
    {
        var (trialId, attempt) = await RunningTrialAsync();
        var faulty = new FaultInjectingTrialStore(_sqlite);
        faulty.FailNextWrites(100);

        await Assert.ThrowsAsync<TimeoutException>(() =>
            Resilient(faulty, attemptRetries: 2).SaveCheckpointAsync(new StoredCheckpoint(trialId, attempt, 1, 0, [1])));

        Assert.Equal(3, faulty.FailedWrites); // the first try and two retries
        Assert.Equal(1, _log.Count(LogLevel.Error, "gave up after 2 retries"));
    }

    [Fact]
    public async Task Domain_errors_are_not_retried()
    {
        var store = Resilient(_sqlite);
        var sweep = await CreateSweepAsync(store, "nightly");

        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.SaveModelAsync(new StoredModel("no-such-trial", [1], DateTimeOffset.UtcNow)));
        await Assert.ThrowsAsync<DuplicateSweepException>(() => CreateSweepAsync(store, sweep.Name));
        var faulty = new FaultInjectingTrialStore(_sqlite) { FailCheckpointSavesOf = _ => true };
        await Assert.ThrowsAsync<InvalidOperationException>(() => Resilient(faulty).SaveCheckpointAsync(new StoredCheckpoint("t", 1, 1, 0, [1])));

        Assert.Equal(0, _log.Count(LogLevel.Warning, "retrying"));
    }

    [Fact]
    public async Task A_cancelled_call_is_not_retried()
    {
        var faulty = new FaultInjectingTrialStore(_sqlite) { Gate = new TaskCompletionSource() };
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Resilient(faulty).WriteEpochsAsync([new EpochReport { TrialId = "t", Epoch = 1, Attempt = 1, TrainMse = 0.1, TestMse = 0.1, SamplesPerSecond = 1, WallSeconds = 1 }], cancel.Token));

        Assert.Equal(0, _log.Count(LogLevel.Warning, "retrying"));
    }

    [Fact]
    public async Task A_sweep_whose_creation_committed_but_whose_answer_was_lost_is_created_once()
    {
        var losing = AnswerLosingStore.Wrap(_sqlite, nameof(ITrialStore.CreateSweepAsync));

        var sweep = await CreateSweepAsync(Resilient(losing), "lost-answer");

        Assert.Equal(sweep.Name, (await _sqlite.GetSweepAsync(sweep.Id))?.Name);
        Assert.Single(await _sqlite.GetTrialsAsync(sweep.Id));
        Assert.Equal(1, _log.Count(LogLevel.Information, "reachable again: CreateSweepAsync"));
    }

    [Theory]
    [InlineData(5, true)]   // SQLITE_BUSY: another connection holds the write lock
    [InlineData(6, true)]   // SQLITE_LOCKED
    [InlineData(19, false)] // SQLITE_CONSTRAINT
    [InlineData(1, false)]  // SQLITE_ERROR: bad SQL
    public void Sqlite_busy_and_locked_are_transient(int code, bool transient) =>
        Assert.Equal(transient, TransientStoreErrors.IsTransient(new SqliteException("sqlite", code)));

    [Theory]
    [InlineData(PostgresErrorCodes.SerializationFailure, true)]
    [InlineData(PostgresErrorCodes.DeadlockDetected, true)]
    [InlineData(PostgresErrorCodes.AdminShutdown, true)]
    [InlineData(PostgresErrorCodes.CannotConnectNow, true)]
    [InlineData(PostgresErrorCodes.ConnectionFailure, true)]
    [InlineData(PostgresErrorCodes.UniqueViolation, false)]
    [InlineData(PostgresErrorCodes.UndefinedTable, false)]
    public void Postgres_conflicts_and_shutdowns_are_transient(string sqlState, bool transient) =>
        Assert.Equal(transient, TransientStoreErrors.IsTransient(new PostgresException("postgres", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void Connection_failures_and_timeouts_are_transient_and_cancellations_and_domain_errors_are_not()
    {
        Assert.True(TransientStoreErrors.IsTransient(new NpgsqlException("connect failed", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(TransientStoreErrors.IsTransient(new InvalidOperationException("wrapped", new TimeoutException())));
        Assert.False(TransientStoreErrors.IsTransient(new OperationCanceledException()));
        Assert.False(TransientStoreErrors.IsTransient(new KeyNotFoundException()));
        Assert.False(TransientStoreErrors.IsTransient(new DuplicateSweepException("nightly", "nightly-1")));
        Assert.False(TransientStoreErrors.IsTransient(new ArgumentException("bad row")));
    }

    [Fact]
    public void Options_that_cannot_work_are_refused_naming_the_property()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => new ResilientTrialStore(_sqlite,
            new StoreResilienceOptions { Attempts = new() { FirstDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(1) } }, _log));
        Assert.Contains("StoreResilienceOptions.Attempts.MaxDelay", error.Message);
        error = Assert.Throws<OrleansConfigurationException>(() => new ResilientTrialStore(_sqlite,
            new StoreResilienceOptions { Calls = new() { MaxRetries = -1 } }, _log));
        Assert.Contains("StoreResilienceOptions.Calls.MaxRetries: -1", error.Message);
    }

    [Fact]
    public async Task A_silo_refuses_to_start_with_resilience_options_that_cannot_work()
    {
        using var host = new HostBuilder()
            .UseOrleans(silo => silo.UseLocalhostClustering(LoopbackPorts.Free(), LoopbackPorts.Free())
                .UseTrialStore(StoreLocation.Parse($"sqlite:{Path.Combine(_folder, "silo.db")}"))
                .ConfigureTrialStoreResilience(o => o.EpochWrites = o.EpochWrites with { MaxDelay = TimeSpan.Zero }))
            .ConfigureLogging(l => l.ClearProviders())
            .Build();

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("StoreResilienceOptions.EpochWrites.MaxDelay", error.Message);
    }

    private async Task<(string TrialId, int Attempt)> RunningTrialAsync()
    {
        var sweep = await CreateSweepAsync(_sqlite, "running");
        await _sqlite.RegisterSiloAsync("silo", "cpu", 1);
        var trialId = TrialConfig.MakeId(sweep.Id, 1);
        return (trialId, await _sqlite.BeginAttemptAsync(trialId, "silo", TimeSpan.FromMinutes(5)) ?? throw new InvalidOperationException("claim refused"));
    }

    private static async Task<SweepRecord> CreateSweepAsync(ITrialStore store, string name)
    {
        var sweep = new SweepRecord($"{name}-{Guid.NewGuid():N}"[..20], name, SweepState.Running, "spec", "test_mse", false, DateTimeOffset.UtcNow, null);
        await store.CreateSweepAsync(sweep, [new TrialConfig(TrialConfig.MakeId(sweep.Id, 1), sweep.Id, 1, new Hyperparameters { Architecture = "linear" })]);
        return sweep;
    }

    /// <summary>A store whose named method does its work the first time but then throws, as if the answer was lost on the wire.</summary>
    public class AnswerLosingStore : DispatchProxy
    {
        private ITrialStore _inner = null!;
        private string _method = "";
        private int _lost;

        public static ITrialStore Wrap(ITrialStore inner, string method)
        {
            var proxy = Create<ITrialStore, AnswerLosingStore>();
            ((AnswerLosingStore)(object)proxy)._inner = inner;
            ((AnswerLosingStore)(object)proxy)._method = method;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(_inner, args);
            if (targetMethod.Name != _method || Interlocked.Exchange(ref _lost, 1) == 1) return result;
            return LoseAnswer((Task)result!);
        }

        private static async Task LoseAnswer(Task work)
        {
            await work;
            throw new TimeoutException("injected fault: the answer was lost after the commit");
        }
    }
}
