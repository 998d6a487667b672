using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace AeGrid.Grains.Store;

/// <summary>
/// One retry policy of <see cref="StoreResilienceOptions"/> as a Polly pipeline, run with the logging every store retry
/// shares: one warning when a call starts failing, a debug line per retry, one line when it succeeds again or gives up.
/// </summary>
internal sealed partial class StoreRetry
{
    private static readonly ResiliencePropertyKey<int> Failures = new("aegrid.store.failures");
    private static readonly ResiliencePropertyKey<long> FirstFailureAt = new("aegrid.store.first-failure-at");

    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;

    public StoreRetry(StoreRetryOptions options, ILogger logger)
    {
        _logger = logger;
        var builder = new ResiliencePipelineBuilder();
        // Polly takes at least one retry; a policy of none is the empty pipeline.
        if (options.MaxRetries is not 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && TransientStoreErrors.IsTransient(e)),
                MaxRetryAttempts = options.MaxRetries ?? int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true, // silos that lost the database together do not all come back at the same instant
                Delay = options.FirstDelay,
                MaxDelay = options.MaxDelay,
                OnRetry = OnRetry,
            });
        _pipeline = builder.Build();
    }

    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(operation, ct);
        try
        {
            var result = await _pipeline.ExecuteAsync(
                static async (context, call) => await call(context.CancellationToken).ConfigureAwait(false), context, call).ConfigureAwait(false);
            if (context.Properties.TryGetValue(Failures, out var failures))
                LogRecovered(_logger, operation, failures, SecondsSinceFirstFailure(context));
            return result;
        }
        catch (Exception e) when (context.Properties.TryGetValue(Failures, out var failures) && TransientStoreErrors.IsTransient(e))
        {
            LogGaveUp(_logger, operation, failures, SecondsSinceFirstFailure(context));
            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private ValueTask OnRetry(OnRetryArguments<object> args)
    {
        var failures = args.AttemptNumber + 1;
        var operation = args.Context.OperationKey ?? "store call";
        if (failures == 1)
        {
            args.Context.Properties.Set(FirstFailureAt, Stopwatch.GetTimestamp());
            LogFailing(_logger, args.Outcome.Exception, operation, args.Outcome.Exception?.Message ?? "");
        }
        args.Context.Properties.Set(Failures, failures);
        LogRetrying(_logger, operation, failures, args.RetryDelay.TotalMilliseconds);
        return ValueTask.CompletedTask;
    }

    private static double SecondsSinceFirstFailure(ResilienceContext context) =>
        Stopwatch.GetElapsedTime(context.Properties.GetValue(FirstFailureAt, Stopwatch.GetTimestamp())).TotalSeconds;
}
