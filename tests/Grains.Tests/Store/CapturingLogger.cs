using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Tests.Store;

/// <summary>Keeps every log line so a test can check what a component told the operator.</summary>
public sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Lines => [.. _lines];

    public int Count(LogLevel level, string containing) =>
        _lines.Count(l => l.Level == level && l.Message.Contains(containing, StringComparison.OrdinalIgnoreCase));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((logLevel, formatter(state, exception)));
}
